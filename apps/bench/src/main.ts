import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCleanups } from "./cleanup";
import { parseOptions } from "./options";
import { BENCH_DIR, REPO_ROOT } from "./paths";
import { resultsMarkdown } from "./report/markdown";
import { formatWithBiome, writeBenchmarksMd, writeJson } from "./report/write";
import { type BenchResult, isMeasured } from "./results";
import { runBenchmark } from "./run-benchmark";
import { encryptSecretsThisRun } from "./secret-encryption";

// pnpm bench [--smoke]: see apps/bench/README.md.

const log = (line: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

/**
 * Why the run must fail: any error response, or a case whose data check failed (invites not all
 * written, a member rung twice, or the ring clock firing a timeout twice, early, or never).
 * Missed targets are reported, never failed on.
 */
function problems(result: BenchResult): string[] {
  const found: string[] = [];
  for (const c of result.cases.filter(isMeasured)) {
    const errors = c.measured.errors + (c.warmup?.errors ?? 0);
    if (errors > 0) {
      const failures = [...(c.warmup?.failures ?? []), ...c.measured.failures].slice(0, 3);
      found.push(
        `${c.id}: ${errors} errors (${JSON.stringify(c.measured.statusCounts)}) ${failures.join(" | ")}`,
      );
    }
    if (!c.check.ok) found.push(`${c.id}: data check failed ${JSON.stringify(c.check)}`);
  }
  return found;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options.encryptSecrets) encryptSecretsThisRun();
  const runDir = await mkdtemp(join(tmpdir(), "collab-bench-"));
  let result: BenchResult;
  try {
    result = await runBenchmark(options, runDir, log);
  } catch (error) {
    log(`failed; server logs are in ${runDir}`);
    throw error;
  } finally {
    await runCleanups(log);
  }

  const markdown = resultsMarkdown(result);
  console.log(`\n${markdown}\n`);
  if (options.write) {
    const jsonPath = join(BENCH_DIR, "results", "latest.json");
    const markdownPath = join(REPO_ROOT, "BENCHMARKS.md");
    await writeJson(jsonPath, result);
    await writeBenchmarksMd(markdownPath, markdown);
    await formatWithBiome([jsonPath, markdownPath]);
    log("wrote BENCHMARKS.md and apps/bench/results/latest.json");
  } else {
    const path = join(tmpdir(), `collab-bench-${result.mode}.json`);
    await writeJson(path, result);
    log(`wrote ${path} (BENCHMARKS.md is only written by a full run)`);
  }
  await rm(runDir, { recursive: true, force: true });

  const found = problems(result);
  for (const line of found) log(line);
  return found.length === 0 ? 0 : 1;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping servers and dropping the database`);
    void runCleanups(log).finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
