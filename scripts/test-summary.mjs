// Sums Vitest's per-package "Tests" lines (and node:test's "ℹ pass N" summary, from the test
// setup's own tests) from a `pnpm test` log into one plain closing line ("N passed, N failed"), so
// CI can read the whole run at a glance.
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
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
