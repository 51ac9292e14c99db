import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { signRequestHeaders } from "@collab/hiar-auth";
import { createUserToken } from "@collab/user-token";
import pg from "pg";
import type { CaseSpec } from "./cases";
import { type Subscriber, subscribe } from "./channel/subscriber";
import { onCleanup, once } from "./cleanup";
import { analyze, createBenchApp, INVITER_ID, provisionTargets } from "./database/fixtures";
import { createScratchDatabase } from "./database/scratch-database";
import { mergeTallies, Tally } from "./load/autocannon-run";
import { type DriveResult, drive, summariseTally } from "./load/drive";
import { INVITE_PATH, signedInvite } from "./load/invite-request";
import { percentile } from "./load/stats";
import { backgroundCpuBusy } from "./machine/cpu-idle";
import { backendCpu, cpuMsBetween, serverCpu, untilServersIdle } from "./machine/cpu-time";
import {
  type CpuProfile,
  cpuByPhase,
  monotonicUs,
  type ProfileWindow,
  phaseTable,
} from "./machine/profile-phases";
import type { BenchRateLimit } from "./options";
import type { CaseResult, ChannelLatency, ChannelReport } from "./results";
import { type CasePlan, CaseTargets, dataCheck } from "./run-case";
import { APP_APPLICATION_NAME, startAppServer } from "./servers/app-server";
import { sampleRss, treePids, treeRss } from "./servers/rss";
import type { ServerProcess, StartedProcess } from "./servers/server-process";

// The user channel under load (docs/user-channel.md): two app servers on a database of their
// own, N idle subscribers (users never rung) split across both, and two watched subscribers, one
// on each server. Measured: the invite throughput on server A without and with the idle
// subscribers connected, the memory each idle subscriber costs a server, and the latency from an
// invite's commit to the ring at a watched subscriber, at a paced invite rate, when the
// subscriber is on the server that took the invite and when it is on the other one.

export interface ChannelContext {
  readonly adminUrl: string;
  readonly runDir: string;
  readonly connections: number;
  /** Load on server A before the first phase (JIT, caches), unmeasured; 0 for none. */
  readonly warmupSeconds: number;
  /** Idle subscribers (1,000; fewer in a smoke run). */
  readonly idleSubscribers: number;
  /** Invites/s of the latency phase. */
  readonly latencyRate: number;
  readonly rateLimit: BenchRateLimit;
  /** --cpu-prof: profile both servers (null: no profile). */
  readonly cpuProfDir: string | null;
  readonly log: (line: string) => void;
}

/** Pairs of throughput phases (without, then with the idle subscribers). */
const THROUGHPUT_ROUNDS = 2;

/** One throughput phase: its responses, and the CPU server A and the database spent on it. */
interface Phase {
  readonly tally: Tally;
  readonly seconds: number;
  readonly requests: number;
  /** 2xx responses. */
  readonly ok: number;
  readonly cpuMs: number;
  readonly dbCpuMs: number;
  /** When it ran (monotonic µs): its slice of the servers' CPU profiles. */
  readonly fromUs: number;
  readonly toUs: number;
}

function describePhase(p: Phase): string {
  const requests = Math.max(1, p.requests);
  return (
    `${summariseTally(p.tally, p.seconds).requestsPerSecond.toFixed(0)} req/s, CPU ` +
    `${(p.cpuMs / requests).toFixed(2)} + DB ${(p.dbCpuMs / requests).toFixed(2)} ms/req`
  );
}

/** Phases as one: their responses together over their time together; CPU per request. */
function combinePhases(phases: readonly Phase[]): {
  result: DriveResult;
  cpuMs: number;
  dbCpuMs: number;
} {
  const requests = Math.max(
    1,
    phases.reduce((sum, p) => sum + p.requests, 0),
  );
  return {
    result: summariseTally(
      mergeTallies(phases.map((p) => p.tally)),
      phases.reduce((sum, p) => sum + p.seconds, 0),
    ),
    cpuMs: phases.reduce((sum, p) => sum + p.cpuMs, 0) / requests,
    dbCpuMs: phases.reduce((sum, p) => sum + p.dbCpuMs, 0) / requests,
  };
}

/** How long the latency phase waits for the last rings to arrive. */
const ARRIVAL_GRACE_MS = 5_000;
/** Idle subscribers connecting at once (a few hundred sockets opening in one go is a burst). */
const CONNECT_BATCH = 100;

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function summarise(values: readonly number[]): ChannelLatency {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
  };
}

export async function runChannelCase(
  ctx: ChannelContext,
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
  const subscribers: Subscriber[] = [];
  const closeSubscribers = () => {
    for (const s of subscribers.splice(0)) s.close();
  };
  const stopAll = () => {
    closeSubscribers();
    return Promise.all(started.map((p) => p.stop())).then(() => {});
  };
  onCleanup(stopAll);
  /** --cpu-prof: each server's processes, and the throughput phases to cut their profiles by. */
  const profiled: { name: string; pids: number[] }[] = [];
  const profileWindows: ProfileWindow[] = [];
  try {
    const app = await createBenchApp(db);
    const servers: ServerProcess[] = await Promise.all(
      ["a", "b"].map((name) =>
        startAppServer({
          databaseUrl: database.url,
          logPath: join(ctx.runDir, `channel-${name}.log`),
          cpuProfDir: ctx.cpuProfDir,
          workerInServer: false,
          rateLimit: ctx.rateLimit,
        }),
      ),
    );
    started.push(...servers);
    const [serverA, serverB] = servers as [ServerProcess, ServerProcess];
    if (ctx.cpuProfDir !== null) {
      profiled.push(
        { name: "server A", pids: treePids(serverA.pid) },
        { name: "server B", pids: treePids(serverB.pid) },
      );
    }
    ctx.log(
      `  ${spec.id}: servers ${servers.map((s) => `${s.baseUrl} (pid ${s.pid})`).join(", ")}, database ${database.name}`,
    );
    const token = (userID: string) =>
      createUserToken({ appId: app.id, secret: app.secret, userID, ttlSeconds: 3_600 });

    // Throughput on server A, flat out: the same invites without and with idle subscribers, in
    // THROUGHPUT_ROUNDS alternating pairs of phases (one pair's ratio swung by ±15 % between
    // runs), each phase on sessions of its own provisioned alike (continuing the first phase's
    // sessions gave the next one larger sessions, whose invites cost more by themselves).
    const provisioned: CaseTargets[] = [];
    const phase = async (seconds = plan.seconds): Promise<Phase> => {
      const targets = new CaseTargets(db, app.id, spec, ctx.connections, ctx.log);
      await targets.ensure(seconds, null);
      await analyze(db);
      provisioned.push(targets);
      // Each phase starts with both servers idle: connecting the subscribers leaves work behind
      // (each one's first reads) that is no cost of an idle subscriber.
      if (!(await untilServersIdle(servers.map((s) => s.pid)))) {
        ctx.log(`  ${spec.id}: the servers were still busy after 15 s; measuring anyway`);
      }
      const before = {
        server: serverCpu(serverA.pid),
        db: await backendCpu(db, APP_APPLICATION_NAME),
      };
      const tally = new Tally();
      const fromUs = monotonicUs();
      const result = await drive(
        {
          baseUrl: serverA.baseUrl,
          connections: ctx.connections,
          seconds,
          nextRequest: () => signedInvite(app, targets.take()),
        },
        tally,
      );
      return {
        tally,
        seconds: result.seconds,
        requests: result.ok + result.errors,
        ok: result.ok,
        fromUs,
        toUs: monotonicUs(),
        cpuMs: cpuMsBetween(before.server, serverCpu(serverA.pid)),
        dbCpuMs: cpuMsBetween(before.db, await backendCpu(db, APP_APPLICATION_NAME)),
      };
    };
    const connectIdle = async () => {
      for (let i = 0; i < ctx.idleSubscribers; i += CONNECT_BATCH) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(CONNECT_BATCH, ctx.idleSubscribers - i) }, async (_, j) =>
            subscribe(
              (i + j) % 2 === 0 ? serverA.baseUrl : serverB.baseUrl,
              await token(`idle-${i + j}`),
              { watch: false },
            ),
          ),
        );
        subscribers.push(...batch);
        await Promise.all(batch.map((s) => s.connected));
      }
    };
    // Each server's own RSS (the target is per server); the case reports the larger peak.
    const rss = [serverA.pid, serverB.pid].map((pid) => sampleRss(pid));
    // Without a warm-up, the first phase (without subscribers) met a cold server: one run's
    // first phase did 453 req/s, its second 567.
    const warmup = ctx.warmupSeconds > 0 ? await phase(ctx.warmupSeconds) : null;
    const withoutPhases: Phase[] = [];
    const withPhases: Phase[] = [];
    let perSubscriber = 0;
    for (let round = 1; round <= THROUGHPUT_ROUNDS; round += 1) {
      const without = await phase();
      withoutPhases.push(without);
      profileWindows.push(windowOf(`r${round} without`, without));
      ctx.log(`  ${spec.id}: round ${round} without subscribers ${describePhase(without)}`);
      // Idle subscribers, half on each server; memory per subscriber from each server's RSS.
      await settle(1_000);
      const rssBefore = round === 1 ? servers.map((s) => treeRss(s.pid)) : [];
      await connectIdle();
      await settle(1_000);
      if (round === 1) {
        const rssAfter = servers.map((s) => treeRss(s.pid));
        perSubscriber =
          rssAfter.reduce((sum, after, i) => sum + (after - (rssBefore[i] ?? after)), 0) /
          Math.max(1, ctx.idleSubscribers);
      }
      const withIdle = await phase();
      withPhases.push(withIdle);
      profileWindows.push(windowOf(`r${round} with`, withIdle));
      ctx.log(
        `  ${spec.id}: round ${round} with ${ctx.idleSubscribers} idle subscribers ${describePhase(withIdle)}`,
      );
      // The last round's subscribers stay for the latency phase.
      if (round < THROUGHPUT_ROUNDS) {
        closeSubscribers();
        await settle(1_000);
      }
    }
    const without = combinePhases(withoutPhases);
    const withIdle = combinePhases(withPhases);

    // Latency: invites through server A at a steady rate, each ringing a watched user in a
    // session of its own, alternately the one on A and the one on B.
    const watched = [
      { userID: "watch-same", server: serverA },
      { userID: "watch-other", server: serverB },
    ];
    const watchers = await Promise.all(
      watched.map(async (w) => subscribe(w.server.baseUrl, await token(w.userID), { watch: true })),
    );
    subscribers.push(...watchers);
    await Promise.all(watchers.map((w) => w.connected));
    const invites = Math.max(2, Math.round(ctx.latencyRate * plan.seconds));
    const sessions = await provisionTargets(db, app.id, invites);
    const sentFor = new Map<string, number>();
    let inviteErrors = 0;
    let sent = 0;
    const startedAt = performance.now();
    const inFlight: Promise<void>[] = [];
    while (sent < invites) {
      const due = startedAt + (sent * 1000) / ctx.latencyRate;
      const wait = due - performance.now();
      if (wait > 0) await settle(wait);
      const target = sessions[sent];
      const watcher = sent % 2;
      sent += 1;
      if (target === undefined) break;
      const body = JSON.stringify({
        collaborationID: target.collaborationId,
        sessionID: target.sessionId,
        userID: INVITER_ID,
        members: [{ userID: watched[watcher]?.userID, medias: [1] }],
      });
      inFlight.push(
        fetch(`${serverA.baseUrl}${INVITE_PATH}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...signRequestHeaders({
              appId: app.id,
              secret: app.secret,
              method: "POST",
              path: INVITE_PATH,
            }),
          },
          body,
        }).then(
          async (response) => {
            await response.arrayBuffer();
            if (response.status === 200) sentFor.set(target.sessionId, watcher);
            else inviteErrors += 1;
          },
          () => {
            inviteErrors += 1;
          },
        ),
      );
    }
    // The rate sent: over the sending itself, not the wait for the last answers.
    const latencySeconds = Math.max(1e-3, (performance.now() - startedAt) / 1000);
    await Promise.all(inFlight);
    const expected = [0, 1].map((w) => [...sentFor.values()].filter((x) => x === w).length);
    const deadline = Date.now() + ARRIVAL_GRACE_MS;
    while (Date.now() < deadline && watchers.some((w, i) => w.rings.length < (expected[i] ?? 0))) {
      await settle(50);
    }
    const peak = Math.max(...rss.map((r) => r.stop()));
    const latencyOf = (i: number) => {
      const mine = new Set([...sentFor].filter(([, w]) => w === i).map(([s]) => s));
      const arrivals = (watchers[i]?.rings ?? []).filter((r) => mine.has(r.sessionID));
      return {
        latency: summarise(arrivals.map((r) => Math.max(0, r.receivedAt - r.at))),
        missing: mine.size - new Set(arrivals.map((r) => r.sessionID)).size,
        duplicates: arrivals.length - new Set(arrivals.map((r) => r.sessionID)).size,
      };
    };
    const same = latencyOf(0);
    const other = latencyOf(1);
    closeSubscribers();

    const channel: ChannelReport = {
      idleSubscribers: ctx.idleSubscribers,
      withoutSubscribers: without.result,
      throughputRatio:
        withIdle.result.requestsPerSecond / Math.max(1e-9, without.result.requestsPerSecond),
      memoryPerIdleSubscriberBytes: perSubscriber,
      latencyRate: sent / latencySeconds,
      sameInstance: same.latency,
      otherInstance: other.latency,
      missingRings: same.missing + other.missing,
      duplicateRings: same.duplicates + other.duplicates,
      inviteErrors,
    };
    const ok = (warmup?.ok ?? 0) + without.result.ok + withIdle.result.ok + sentFor.size;
    const check = await dataCheck(
      db,
      spec,
      ok,
      provisioned.reduce((sum, targets) => sum + targets.pool.taken, 0) + sent,
      undefined,
    );
    return {
      id: spec.id,
      kind: spec.kind,
      path: spec.path,
      invitees: spec.invitees,
      connections: ctx.connections,
      targetRate: null,
      rateSource: null,
      callingTimeoutSeconds: spec.callingTimeoutSeconds,
      warmup: without.result,
      measured: withIdle.result,
      peakRssBytes: peak,
      cpuMsPerRequest: { server: withIdle.cpuMs, database: withIdle.dbCpuMs },
      backgroundCpuBusy: background,
      sessionsProvisioned:
        provisioned.reduce((sum, targets) => sum + targets.provisioned, 0) + sessions.length,
      analyzedDuringCase: [],
      check: {
        ...check,
        ok:
          check.ok &&
          channel.missingRings === 0 &&
          channel.duplicateRings === 0 &&
          inviteErrors === 0,
      },
      channel,
    };
  } finally {
    // The servers write their profiles as they exit.
    await stopAll();
    await endDb().catch(() => {});
    await database.drop();
    if (ctx.cpuProfDir !== null && profileWindows.length > 0) {
      await logProfilePhases(ctx, profiled, profileWindows);
    }
  }
}

function windowOf(name: string, phase: Phase): ProfileWindow {
  return { name, fromUs: phase.fromUs, toUs: phase.toUs, requests: phase.requests };
}

/** Each server's CPU per invite by package in each throughput phase (server B takes none). */
async function logProfilePhases(
  ctx: ChannelContext,
  servers: readonly { name: string; pids: readonly number[] }[],
  windows: readonly ProfileWindow[],
): Promise<void> {
  for (const server of servers) {
    for (const pid of server.pids) {
      const path = join(ctx.cpuProfDir ?? "", `next-${pid}.cpuprofile`);
      const text = await readFile(path, "utf8").catch(() => null);
      if (text === null) continue;
      ctx.log(`  ${server.name} (${path}), CPU per invite to server A by phase:`);
      for (const line of phaseTable(cpuByPhase(JSON.parse(text) as CpuProfile, windows))) {
        ctx.log(`    ${line}`);
      }
    }
  }
}
