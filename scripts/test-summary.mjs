// Sums Vitest's per-package "Tests" lines (and node:test's "ℹ pass N" summary, from the test
// setup's own tests) from a `pnpm test` log into one plain closing line ("N passed, N failed"), so
// CI can read the whole run at a glance. Above it, each failed test's name and the first line of its
// error, because a CI log is often read only from its tail.
import { readFileSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";

const log = stripVTControlCharacters(readFileSync(process.argv[2] ?? 0, "utf8"));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of log.split("\n")) {
  const node = /^ℹ (pass|fail|skipped) (\d+)\s*$/.exec(line);
  if (node) {
    const n = Number(node[2]);
    if (node[1] === "pass") passed += n;
    else if (node[1] === "fail") failed += n;
    else skipped += n;
    continue;
  }
  const match = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!match) continue;
  const counts = match[1] ?? "";
  passed += Number(/(\d+) passed/.exec(counts)?.[1] ?? 0);
  failed += Number(/(\d+) failed/.exec(counts)?.[1] ?? 0);
  skipped += Number(/(\d+) skipped/.exec(counts)?.[1] ?? 0);
}
// Vitest's closing "Failed Tests" section names each failure (" FAIL  file > suite > test") and puts
// the error's headline on the next non-empty line; turbo prefixes every line with "pkg:test: ".
const failures = [];
const lines = log.split("\n").map((line) => line.replace(/^\S+:test(?::resilience)?: /, ""));
for (const [index, line] of lines.entries()) {
  if (!/^\s*FAIL\s/.test(line)) continue;
  const headline = lines.slice(index + 1, index + 4).find((next) => next.trim() !== "") ?? "";
  const entry = `${line.trim()}\n    ${headline.trim()}`;
  if (!failures.includes(entry)) failures.push(entry);
}
if (failures.length > 0) {
  console.log("failed:");
  for (const entry of failures.slice(0, 30)) console.log(`  ${entry}`);
  if (failures.length > 30) console.log(`  … and ${failures.length - 30} more`);
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
