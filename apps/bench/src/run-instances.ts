import { join } from "node:path";
import pg from "pg";
import type { CaseSpec } from "./cases";
import { onCleanup, once } from "./cleanup";
import { type AutoAnalyzeSettings, emulateAutoAnalyze } from "./database/auto-analyze";
import { analyze, createBenchApp } from "./database/fixtures";
import { createScratchDatabase } from "./database/scratch-database";
import { mergeTallies, Tally } from "./load/autocannon-run";
import { type DriveResult, drive, summariseTally } from "./load/drive";
import { signedInvite } from "./load/invite-request";
import { backgroundCpuBusy } from "./machine/cpu-idle";
import { backendCpu, cpuMsBetween, serverCpu } from "./machine/cpu-time";
import type { BenchRateLimit } from "./options";
import type { CaseResult } from "./results";
import { type CasePlan, CaseTargets, dataCheck, ringClockAfterLoad } from "./run-case";
import { APP_APPLICATION_NAME, startAppServer, startWorkerProcess } from "./servers/app-server";
import { sampleRss } from "./servers/rss";
import type { ServerProcess, StartedProcess } from "./servers/server-process";

// Two app servers (`pnpm start` twice, WORKER_IN_SERVER=0) and one `pnpm worker` on one
// PostgreSQL, as a deployment with more than one instance runs them. They get a database of their
// own, so the run's single server (whose in-server worker would sweep every due ring it sees)
// stays out of it. Each server takes half of the connections; every request rings members with
// a short timeout, so the lone worker's ring clock fires throughout and afterwards.

export interface InstancesContext {
  readonly adminUrl: string;
  readonly statistics: { readonly settings: AutoAnalyzeSettings; readonly emulate: boolean };
  readonly runDir: string;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly rateLimit: BenchRateLimit;
  readonly log: (line: string) => void;
}

const SERVERS = 2;

export async function runInstancesCase(
  ctx: InstancesContext,
  spec: CaseSpec,
  plan: CasePlan,
): Promise<CaseResult> {
  const background = await backgroundCpuBusy();
  const database = await createScratchDatabase(ctx.adminUrl);
  onCleanup(() => database.drop());
  const db = new pg.Pool({
    connectionString: database.url,
    max: 2,
    application_name: "collab-bench",
  });
  db.on("error", () => {});
  const endDb = once(() => db.end());
  onCleanup(endDb);
  const started: StartedProcess[] = [];
  const stopAll = () => Promise.all(started.map((p) => p.stop())).then(() => {});
  onCleanup(stopAll);
  try {
    const app = await createBenchApp(db);
    const servers: ServerProcess[] = await Promise.all(
      Array.from({ length: SERVERS }, (_, i) =>
        startAppServer({
          databaseUrl: database.url,
          logPath: join(ctx.runDir, `instance-${i + 1}.log`),
          cpuProfDir: null,
          workerInServer: false,
          rateLimit: ctx.rateLimit,
        }),
      ),
    );
    started.push(...servers);
    const worker = await startWorkerProcess({
      databaseUrl: database.url,
      logPath: join(ctx.runDir, "worker.log"),
    });
    started.push(worker);
    ctx.log(
      `  ${spec.id}: servers ${servers.map((s) => `${s.baseUrl} (pid ${s.pid})`).join(", ")}, worker pid ${worker.pid}, database ${database.name}`,
    );

    const targets = new CaseTargets(db, app.id, spec, ctx.connections, ctx.log);
    await targets.ensure(ctx.warmupSeconds || plan.seconds, plan.rate);
    await analyze(db);
    const share = Math.max(1, Math.floor(ctx.connections / SERVERS));
    const loadAll = async (seconds: number) => {
      const tallies = servers.map(() => new Tally());
      const results = await Promise.all(
        servers.map((server, i) =>
          drive(
            {
              baseUrl: server.baseUrl,
              connections: share,
              seconds,
              nextRequest: () => signedInvite(app, targets.take()),
            },
            tallies[i],
          ),
        ),
      );
      const all = mergeTallies(tallies);
      return {
        each: results,
        all: summariseTally(all, Math.max(...results.map((r) => r.seconds))),
      };
    };

    const rss = servers.map((s) => sampleRss(s.pid));
    const workerRss = sampleRss(worker.pid);
    let peaks: number[] = [];
    let workerPeak = 0;
    let analyzedDuringCase: string[] = [];
    const autoAnalyze = emulateAutoAnalyze(db, ctx.statistics.settings, ctx.statistics.emulate);
    let warmup: DriveResult | null = null;
    let measured: { each: DriveResult[]; all: DriveResult };
    let cpu: { servers: number[]; worker: number; database: number };
    try {
      if (ctx.warmupSeconds > 0) {
        warmup = (await loadAll(ctx.warmupSeconds)).all;
        await targets.ensure(plan.seconds, Math.max(warmup.requestsPerSecond, 1) * 2);
      } else {
        await targets.ensure(plan.seconds, plan.rate);
      }
      const before = {
        servers: servers.map((s) => serverCpu(s.pid)),
        worker: serverCpu(worker.pid),
        db: await backendCpu(db, APP_APPLICATION_NAME),
      };
      measured = await loadAll(plan.seconds);
      const requests = Math.max(1, measured.all.ok + measured.all.errors);
      cpu = {
        servers: servers.map(
          (s, i) => cpuMsBetween(before.servers[i] ?? new Map(), serverCpu(s.pid)) / requests,
        ),
        worker: cpuMsBetween(before.worker, serverCpu(worker.pid)) / requests,
        database: cpuMsBetween(before.db, await backendCpu(db, APP_APPLICATION_NAME)) / requests,
      };
    } finally {
      peaks = rss.map((r) => r.stop());
      workerPeak = workerRss.stop();
      analyzedDuringCase = await autoAnalyze.stop();
    }

    const ringClock = await ringClockAfterLoad(db, spec);
    const check = await dataCheck(
      db,
      spec,
      (warmup?.ok ?? 0) + measured.all.ok,
      targets.pool.taken,
      ringClock,
    );
    return {
      id: spec.id,
      kind: spec.kind,
      path: spec.path,
      invitees: spec.invitees,
      connections: share * SERVERS,
      targetRate: null,
      rateSource: null,
      callingTimeoutSeconds: spec.callingTimeoutSeconds,
      warmup,
      measured: measured.all,
      peakRssBytes: Math.max(...peaks),
      cpuMsPerRequest: {
        server: cpu.servers.reduce((a, b) => a + b, 0) + cpu.worker,
        database: cpu.database,
      },
      backgroundCpuBusy: background,
      sessionsProvisioned: targets.provisioned,
      analyzedDuringCase,
      check,
      ...(ringClock === undefined ? {} : { ringClock }),
      instances: {
        servers: servers.map((_, i) => ({
          requestsPerSecond: measured.each[i]?.requestsPerSecond ?? 0,
          peakRssBytes: peaks[i] ?? 0,
          cpuMsPerRequest: cpu.servers[i] ?? 0,
        })),
        worker: { cpuMsPerRequest: cpu.worker, peakRssBytes: workerPeak },
      },
    };
  } finally {
    // Their part is over: free the machine (and the database) for whatever runs next.
    await stopAll();
    await endDb().catch(() => {});
    await database.drop();
  }
}
