import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { HALF_RATE_REFERENCE, HALF_RATE_SHARE, selectCases } from "./cases";
import { onCleanup } from "./cleanup";
import { createBenchApp } from "./database/fixtures";
import { createScratchDatabase } from "./database/scratch-database";
import { machineInfo } from "./machine/info";
import type { BenchOptions } from "./options";
import { WEB_DIR } from "./paths";
import { type BenchResult, type CaseResult, isMeasured } from "./results";
import { type BenchContext, runCase } from "./run-case";
import { startBaseline } from "./servers/baseline";
import { BENCH_DIST_DIR, buildNextApp, startNextApp } from "./servers/next-app";
import { signInToConsole } from "./trpc/console-session";

/** The Next.js server's pool: createDb's default for DATABASE_URL. The baseline gets the same. */
const POOL_MAX = 10;

function halfRate(results: readonly CaseResult[]): number | null {
  const reference = results.find((r) => r.id === HALF_RATE_REFERENCE);
  if (!reference || !isMeasured(reference)) return null;
  return Math.max(1, Math.round(reference.measured.requestsPerSecond * HALF_RATE_SHARE));
}

function summary(result: CaseResult): string {
  if (!isMeasured(result)) return `skipped: ${result.skipped}`;
  const m = result.measured;
  return `${m.requestsPerSecond.toFixed(0)} req/s, p50 ${m.latency.p50.toFixed(1)} ms, p99 ${m.latency.p99.toFixed(1)} ms, errors ${m.errors}, RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB${result.check.ok ? "" : ", DATA CHECK FAILED"}`;
}

/** Builds, provisions, starts both servers, runs the cases; cleanups are registered, not run. */
export async function runBenchmark(
  options: BenchOptions,
  runDir: string,
  log: (line: string) => void,
): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
  if (options.skipBuild) {
    if (!existsSync(join(WEB_DIR, BENCH_DIST_DIR, "BUILD_ID"))) {
      throw new Error(`--skip-build: apps/web/${BENCH_DIST_DIR} holds no build`);
    }
  } else {
    log(`next build (apps/web/${BENCH_DIST_DIR}) …`);
    await buildNextApp(join(runDir, "next-build.log"));
  }

  const database = await createScratchDatabase(options.adminUrl);
  onCleanup(() => database.drop());
  log(`database ${database.name} created and migrated`);
  const db = new pg.Pool({
    connectionString: database.url,
    max: 2,
    application_name: "collab-bench",
  });
  db.on("error", () => {});
  onCleanup(() => db.end());
  const app = await createBenchApp(db);
  const postgres = (await db.query<{ v: string }>("SELECT version() AS v")).rows[0]?.v ?? "";

  const next = await startNextApp({
    databaseUrl: database.url,
    logPath: join(runDir, "next-start.log"),
    cpuProfDir: options.cpuProfDir,
  });
  onCleanup(() => next.stop());
  const baseline = await startBaseline({
    databaseUrl: database.url,
    poolMax: POOL_MAX,
    logPath: join(runDir, "baseline.log"),
  });
  onCleanup(() => baseline.stop());
  log(
    `next start on ${next.baseUrl} (pid ${next.pid}), baseline on ${baseline.baseUrl} (pid ${baseline.pid})`,
  );

  const ctx: BenchContext = {
    db,
    app,
    next,
    baseline,
    consoleSession: await signInToConsole(next.baseUrl, app),
    connections: options.connections,
    warmupSeconds: options.warmupSeconds,
    durationSeconds: options.durationSeconds,
    log,
  };
  const cases: CaseResult[] = [];
  for (const spec of selectCases(options.only)) {
    const rate = spec.halfRestRate ? halfRate(cases) : null;
    if (spec.halfRestRate && rate === null) {
      cases.push({ ...spec, skipped: `needs ${HALF_RATE_REFERENCE} in the same run` });
      log(`${spec.id}: skipped (needs ${HALF_RATE_REFERENCE})`);
      continue;
    }
    log(`${spec.id}${rate === null ? "" : ` at ${rate} req/s`} …`);
    const result = await runCase(ctx, spec, rate);
    log(`${spec.id}: ${summary(result)}`);
    cases.push(result);
  }

  return {
    mode: options.smoke ? "smoke" : options.write ? "full" : "partial",
    startedAt,
    finishedAt: new Date().toISOString(),
    loadAverageAtStart,
    machine: machineInfo(postgres.split(" on ", 1)[0] ?? postgres),
    settings: {
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      poolMax: { rest: `${POOL_MAX} (createDb default)`, baseline: POOL_MAX },
    },
    cases,
  };
}
