import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import pg from "pg";
import {
  type CaseSpec,
  CHANNEL_IDLE_SUBSCRIBERS,
  CHANNEL_LATENCY_RATE,
  HALF_RATE_REFERENCE,
  HALF_RATE_SHARE,
  MAX_REST_REFERENCES,
  selectCases,
} from "./cases";
import { onCleanup, once } from "./cleanup";
import { autoAnalyzeSettings } from "./database/auto-analyze";
import { createBenchApp } from "./database/fixtures";
import { createScratchDatabase } from "./database/scratch-database";
import { machineInfo } from "./machine/info";
import type { BenchOptions } from "./options";
import { WEB_DIR } from "./paths";
import { type BenchResult, type CaseResult, isMeasured, type MeasuredCase } from "./results";
import { type BenchContext, type CasePlan, runCase } from "./run-case";
import { runChannelCase } from "./run-channel";
import { runInstancesCase } from "./run-instances";
import { BENCH_DIST_DIR, buildApp, startAppServer } from "./servers/app-server";
import { startBaseline } from "./servers/baseline";
import { signInToConsole } from "./trpc/console-session";

/** The app server's pool: createDb's default for DATABASE_URL. The baseline gets the same. */
const POOL_MAX = 10;

function measured(results: readonly CaseResult[], id: string): MeasuredCase | undefined {
  const found = results.find((r) => r.id === id);
  return found && isMeasured(found) ? found : undefined;
}

/** The req/s a case measured over its whole run (a sustained case's whole window). */
function maxRate(result: MeasuredCase): number {
  return result.sustained?.whole.requestsPerSecond ?? result.measured.requestsPerSecond;
}

/** How a case is driven, or why it cannot run (a rate it needs was not measured). */
function planFor(
  spec: CaseSpec,
  results: readonly CaseResult[],
  options: BenchOptions,
): CasePlan | { skipped: string } {
  const seconds =
    spec.kind === "sustained"
      ? options.sustainedSeconds
      : spec.kind === "timeouts"
        ? options.timeoutsSeconds
        : options.durationSeconds;
  if (spec.rate === "max") return { seconds, rate: null, rateSource: null };
  if (spec.rate === "half") {
    const reference = measured(results, HALF_RATE_REFERENCE);
    if (!reference) return { skipped: `needs ${HALF_RATE_REFERENCE} in the same run` };
    const rate = Math.max(1, Math.round(reference.measured.requestsPerSecond * HALF_RATE_SHARE));
    return { seconds, rate, rateSource: `${HALF_RATE_SHARE} × ${HALF_RATE_REFERENCE}` };
  }
  if (options.timeoutRate !== null) {
    return { seconds, rate: options.timeoutRate, rateSource: "--timeout-rate" };
  }
  for (const id of MAX_REST_REFERENCES) {
    const reference = measured(results, id);
    if (reference)
      return { seconds, rate: Math.max(1, Math.round(maxRate(reference))), rateSource: id };
  }
  return {
    skipped: `needs ${MAX_REST_REFERENCES.join(" or ")} in the same run, or --timeout-rate`,
  };
}

function summary(result: CaseResult): string {
  if (!isMeasured(result)) return `skipped: ${result.skipped}`;
  const m = result.measured;
  const parts = [
    `${m.requestsPerSecond.toFixed(0)} req/s, p50 ${m.latency.p50.toFixed(1)} ms, p99 ${m.latency.p99.toFixed(1)} ms, errors ${m.errors}`,
    `CPU ${result.cpuMsPerRequest.server.toFixed(2)} + DB ${result.cpuMsPerRequest.database.toFixed(2)} ms/req`,
    `RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
  ];
  const s = result.sustained;
  if (s) {
    parts.push(
      `first ${s.reference.toSeconds} s ${s.reference.requestsPerSecond.toFixed(0)} req/s p99 ${s.reference.p99.toFixed(0)} ms, RSS at the end ${(s.rss.endBytes / 2 ** 20).toFixed(0)} MB`,
    );
  }
  const r = result.ringClock;
  if (r) {
    parts.push(
      `ring clock: ${r.timedOut}/${r.rung} timed out, ${r.stillCalling} calling (${r.overdue} overdue), ${r.firedTwice} twice, ${r.early} early` +
        (r.lateness
          ? `, late p50 ${r.lateness.p50.toFixed(0)} / p99 ${r.lateness.p99.toFixed(0)} / max ${r.lateness.max.toFixed(0)} ms`
          : ""),
    );
  }
  if (!result.check.ok) parts.push("DATA CHECK FAILED");
  return parts.join(", ");
}

/** Builds, provisions, starts both servers, runs the cases; cleanups are registered, not run. */
export async function runBenchmark(
  options: BenchOptions,
  runDir: string,
  log: (line: string) => void,
): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
  const specs = selectCases(options.only, options.sustained);
  if (options.skipBuild) {
    if (!existsSync(join(WEB_DIR, BENCH_DIST_DIR, "entry", "server.mjs"))) {
      throw new Error(
        `--skip-build: apps/web/${BENCH_DIST_DIR} holds no build of the server entry`,
      );
    }
  } else {
    log(`pnpm --filter @collab/web build (apps/web/${BENCH_DIST_DIR}) …`);
    await buildApp(join(runDir, "build.log"));
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
  onCleanup(once(() => db.end()));
  const app = await createBenchApp(db);
  const statistics = {
    settings: await autoAnalyzeSettings(db),
    emulate: options.autoAnalyze,
  };
  const postgres = (await db.query<{ v: string }>("SELECT version() AS v")).rows[0]?.v ?? "";

  const server = await startAppServer({
    databaseUrl: database.url,
    logPath: join(runDir, "server.log"),
    cpuProfDir: options.cpuProfDir,
    rateLimit: options.rateLimit,
  });
  onCleanup(() => server.stop());
  const baseline = await startBaseline({
    databaseUrl: database.url,
    poolMax: POOL_MAX,
    logPath: join(runDir, "baseline.log"),
  });
  onCleanup(() => baseline.stop());
  log(
    `pnpm start (the app's HTTP entry, in-server worker) on ${server.baseUrl} (pid ${server.pid}), baseline on ${baseline.baseUrl} (pid ${baseline.pid})`,
  );

  const ctx: BenchContext = {
    db,
    statistics,
    app,
    server,
    baseline,
    consoleSession: await signInToConsole(server.baseUrl, app),
    connections: options.connections,
    warmupSeconds: options.warmupSeconds,
    log,
  };
  const cases: CaseResult[] = [];
  for (const spec of specs) {
    const plan = planFor(spec, cases, options);
    if ("skipped" in plan) {
      cases.push({
        id: spec.id,
        kind: spec.kind,
        path: spec.path,
        invitees: spec.invitees,
        skipped: plan.skipped,
      });
      log(`${spec.id}: skipped (${plan.skipped})`);
      continue;
    }
    const rate = plan.rate === null ? "" : ` at ${plan.rate} req/s (${plan.rateSource})`;
    log(`${spec.id}${rate}, ${plan.seconds} s …`);
    const result =
      spec.kind === "channel"
        ? await runChannelCase(
            {
              adminUrl: options.adminUrl,
              runDir,
              connections: options.connections,
              warmupSeconds: options.warmupSeconds,
              // A smoke run only proves the case works: a tenth of the subscribers.
              idleSubscribers: options.smoke
                ? CHANNEL_IDLE_SUBSCRIBERS / 10
                : CHANNEL_IDLE_SUBSCRIBERS,
              latencyRate: CHANNEL_LATENCY_RATE,
              rateLimit: options.rateLimit,
              cpuProfDir: options.cpuProfDir,
              log,
            },
            spec,
            plan,
          )
        : spec.kind === "instances"
          ? await runInstancesCase(
              {
                adminUrl: options.adminUrl,
                statistics,
                runDir,
                connections: options.connections,
                warmupSeconds: options.warmupSeconds,
                rateLimit: options.rateLimit,
                log,
              },
              spec,
              plan,
            )
          : await runCase(ctx, spec, plan);
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
      sustainedSeconds: options.sustainedSeconds,
      timeoutsSeconds: options.timeoutsSeconds,
      poolMax: { server: `${POOL_MAX} (createDb default)`, baseline: POOL_MAX },
      statistics: statistics.settings.autovacuum
        ? "the server's autovacuum"
        : statistics.emulate
          ? `autovacuum is off on this server: the benchmark applied its rules during each case (every ${statistics.settings.naptimeSeconds} s: ANALYZE of tables with more than ${statistics.settings.threshold} + ${statistics.settings.scaleFactor * 100} % of their rows changed, VACUUM of tables with more than ${statistics.settings.vacuumThreshold} + ${statistics.settings.vacuumScaleFactor * 100} % of their rows dead or ${statistics.settings.insertThreshold} + ${statistics.settings.insertScaleFactor * 100} % inserted, throttled at ${statistics.settings.costLimit} per ${statistics.settings.costDelayMs} ms)`
          : "autovacuum is off on this server and --no-auto-analyze: each case kept the statistics it started with",
    },
    cases,
  };
}
