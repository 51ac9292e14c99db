import type pg from "pg";
import type { CaseSpec } from "./cases";
import { type AutoAnalyzeSettings, emulateAutoAnalyze } from "./database/auto-analyze";
import {
  analyze,
  type BenchApp,
  countInviteEvents,
  provisionTargets,
  resetInviteData,
} from "./database/fixtures";
import {
  type RingClockReport,
  ringClockCorrect,
  ringClockReport,
  waitForRingClock,
} from "./database/ring-clock";
import { Tally } from "./load/autocannon-run";
import { type DriveResult, drive } from "./load/drive";
import { type HttpRequest, signedInvite, trpcInvite } from "./load/invite-request";
import { type InviteAssignment, TargetPool } from "./load/target-pool";
import {
  type CpuMark,
  type SustainedReport,
  sustainedReport,
  timelineShape,
} from "./load/timeline";
import { backgroundCpuBusy } from "./machine/cpu-idle";
import { backendCpu, cpuMsBetween, serverCpu } from "./machine/cpu-time";
import type { CaseResult, MeasuredCase } from "./results";
import { APP_APPLICATION_NAME } from "./servers/app-server";
import { BASELINE_APPLICATION_NAME } from "./servers/baseline";
import { sampleRss } from "./servers/rss";
import type { ServerProcess } from "./servers/server-process";
import type { ConsoleSession } from "./trpc/console-session";

export interface BenchContext {
  readonly db: pg.Pool;
  /** The server's autovacuum settings, and whether to emulate its analyze when it is off. */
  readonly statistics: { readonly settings: AutoAnalyzeSettings; readonly emulate: boolean };
  readonly app: BenchApp;
  /** The app server (`pnpm start`) serves both the REST and the tRPC cases. */
  readonly server: ServerProcess;
  readonly baseline: ServerProcess;
  readonly consoleSession: ConsoleSession;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly log: (line: string) => void;
}

/** How one case is driven, decided by the run (rates may come from earlier cases). */
export interface CasePlan {
  readonly seconds: number;
  /** Requests/s; null: flat out. */
  readonly rate: number | null;
  readonly rateSource: string | null;
}

/** Requests/s no path reaches here (1 invitee), and invitees/s no path writes: capacity bounds. */
const CEILING_REQUESTS_PER_SECOND = 5_000;
const CEILING_INVITEES_PER_SECOND = 80_000;

/**
 * How long after the last deadline the ring-clock check still waits for rung members to time out
 * before it reports them as left behind. The ring clock sleeps at most 250 ms; this is generous
 * for a busy machine, and only a broken clock makes a case wait that long.
 */
export const RING_CLOCK_GRACE_MS = 30_000;

/** A session id that cannot exist: what a request gets when every provisioned session is full. */
const EXHAUSTED: InviteAssignment = {
  target: { collaborationId: "0".repeat(32), sessionId: "0".repeat(32) },
  userIds: ["member-exhausted"],
};

/**
 * Headroom on a paced case's planned requests. autocannon keeps a paced rate per connection, a
 * quota that refills every second from the connection's start, and checks the run's end on a timer
 * of its own: a connection may send one more second's quota as its run ends (a 2 s smoke case at
 * 498 req/s sent 1,073 and found every session full; a 20 s case at 252 req/s sent 5,073, not
 * 5,040). So a paced case plans one second more than it runs, plus 10 %.
 */
const PACED_HEADROOM = 1.1;

export function requestsFor(
  invitees: number,
  seconds: number,
  ratePerSecond: number | null,
): number {
  if (ratePerSecond !== null) return Math.ceil(ratePerSecond * (seconds + 1) * PACED_HEADROOM);
  const rate = Math.min(CEILING_REQUESTS_PER_SECOND, CEILING_INVITEES_PER_SECOND / invitees);
  return Math.ceil(rate * seconds);
}

/** Fresh sessions for the requests of one case, a rotation of them (load/target-pool.ts). */
export class CaseTargets {
  readonly pool: TargetPool;
  provisioned = 0;
  private exhaustedLogged = false;

  constructor(
    private readonly db: pg.Pool,
    private readonly appId: string,
    private readonly spec: CaseSpec,
    connections: number,
    private readonly log: (line: string) => void,
  ) {
    // Twice the requests in flight: each lands on a different session.
    this.pool = new TargetPool(spec.invitees, 2 * connections);
  }

  /** Adds sessions until the pool can take `seconds` more at `rate` (plus spare sessions). */
  async ensure(seconds: number, rate: number | null): Promise<void> {
    const missing = requestsFor(this.spec.invitees, seconds, rate) - this.pool.remaining;
    const spare = this.pool.width - this.pool.sessionsLeft;
    const sessions = Math.max(this.pool.sessionsFor(missing), spare);
    if (sessions <= 0) return;
    this.pool.add(
      await provisionTargets(this.db, this.appId, sessions, this.spec.callingTimeoutSeconds),
    );
    this.provisioned += sessions;
  }

  /** The next request's sessions and users (a request that fails visibly when none are left). */
  take(): InviteAssignment {
    const assignment = this.pool.take();
    if (assignment !== null) return assignment;
    if (!this.exhaustedLogged) this.log(`  ${this.spec.id}: every provisioned session is full`);
    this.exhaustedLogged = true;
    return EXHAUSTED;
  }
}

/** The invite events the case wrote against its 2xx responses; the ring clock's correctness. */
export async function dataCheck(
  db: pg.Pool,
  spec: CaseSpec,
  ok: number,
  taken: number,
  ringClock: RingClockReport | undefined,
): Promise<MeasuredCase["check"]> {
  const events = await countInviteEvents(db);
  const check = {
    invitedEvents: events.invited,
    expectedAtLeast: ok * spec.invitees,
    // Requests cut off when the run stopped may have committed without their answer counted.
    expectedAtMost: taken * spec.invitees,
    rungAgainEvents: events.rungAgain,
    ringClockCorrect: ringClock === undefined ? null : ringClockCorrect(ringClock),
  };
  return {
    ...check,
    ok:
      check.rungAgainEvents === 0 &&
      check.invitedEvents >= check.expectedAtLeast &&
      check.invitedEvents <= check.expectedAtMost &&
      check.ringClockCorrect !== false,
  };
}

/** Waits for the due rings (timeout cases) and reports what the ring clock did. */
export async function ringClockAfterLoad(
  db: pg.Pool,
  spec: CaseSpec,
): Promise<RingClockReport | undefined> {
  if (spec.callingTimeoutSeconds === 0) return undefined;
  // A sustained case stops while members still ring: it reports on those that came due.
  const waitForAll = spec.kind !== "sustained";
  const drainSeconds = waitForAll ? await waitForRingClock(db, RING_CLOCK_GRACE_MS) : null;
  return ringClockReport(db, {
    timeoutSeconds: spec.callingTimeoutSeconds,
    waitedForAll: waitForAll,
    drainSeconds,
  });
}

/** Takes a CPU reading every `everySeconds` until stop() (the sustained case's windows). */
function markCpu(
  db: pg.Pool,
  serverPid: number,
  applicationName: string,
  everySeconds: number,
): { stop(): Promise<CpuMark[]> } {
  const marks: CpuMark[] = [];
  let pending = Promise.resolve();
  const take = () => {
    const at = performance.now();
    const server = serverCpu(serverPid);
    pending = pending.then(async () => {
      marks.push({ at, server, database: await backendCpu(db, applicationName) });
    });
  };
  take();
  const timer = setInterval(take, everySeconds * 1000);
  return {
    async stop() {
      clearInterval(timer);
      take();
      await pending;
      return marks;
    },
  };
}

/**
 * A case's warm-up. A sustained case with a calling timeout of its own warms up past it: its first
 * rings time out before the measured run starts, so that timeouts fire throughout the run, its
 * first 20 s included, and the run compares like with like.
 */
function warmupSecondsOf(spec: CaseSpec, warmupSeconds: number): number {
  if (spec.kind !== "sustained" || warmupSeconds === 0) return warmupSeconds;
  return warmupSeconds + spec.callingTimeoutSeconds;
}

/** One case on one server (load, sustained, timeouts): reset, provision, warm up, measure, check. */
export async function runCase(
  ctx: BenchContext,
  spec: CaseSpec,
  plan: CasePlan,
): Promise<CaseResult> {
  const session = ctx.consoleSession;
  if (spec.path === "trpc" && !session.ok) {
    return {
      id: spec.id,
      kind: spec.kind,
      path: spec.path,
      invitees: spec.invitees,
      skipped: session.reason,
    };
  }
  const server = spec.path === "baseline" ? ctx.baseline : ctx.server;
  const applicationName =
    spec.path === "baseline" ? BASELINE_APPLICATION_NAME : APP_APPLICATION_NAME;
  const background = await backgroundCpuBusy();

  await resetInviteData(ctx.db);
  const warmupSeconds = warmupSecondsOf(spec, ctx.warmupSeconds);
  const targets = new CaseTargets(ctx.db, ctx.app.id, spec, ctx.connections, ctx.log);
  await targets.ensure(warmupSeconds || plan.seconds, plan.rate);
  await analyze(ctx.db);

  const nextRequest = (): HttpRequest =>
    session.ok && spec.path === "trpc"
      ? trpcInvite(session.cookie, server.baseUrl, targets.take())
      : signedInvite(ctx.app, targets.take());
  const load = (seconds: number, tally?: Tally) =>
    drive(
      {
        baseUrl: server.baseUrl,
        connections: ctx.connections,
        seconds,
        ...(plan.rate === null ? {} : { overallRate: plan.rate }),
        nextRequest,
      },
      tally,
    );

  const rss = sampleRss(server.pid);
  const autoAnalyze = emulateAutoAnalyze(ctx.db, ctx.statistics.settings, ctx.statistics.emulate);
  let warmup: DriveResult | null = null;
  let measured: DriveResult;
  let peakRssBytes = 0;
  let cpuMsPerRequest = { server: 0, database: 0 };
  let sustained: SustainedReport | undefined;
  let analyzedDuringCase: string[] = [];
  try {
    if (warmupSeconds > 0) {
      warmup = await load(warmupSeconds);
      // Twice the warm-up's rate: the measured run must never run out of fresh sessions.
      const observed = Math.max(warmup.requestsPerSecond, 1) * 2;
      await targets.ensure(plan.seconds, plan.rate ?? observed);
    } else {
      await targets.ensure(plan.seconds, plan.rate);
    }
    const before = { server: serverCpu(server.pid), db: await backendCpu(ctx.db, applicationName) };
    const marks =
      spec.kind === "sustained"
        ? markCpu(ctx.db, server.pid, applicationName, timelineShape(plan.seconds).markSeconds)
        : null;
    const tally = new Tally();
    const startedAt = performance.now();
    measured = await load(plan.seconds, tally);
    const requests = Math.max(1, measured.ok + measured.errors);
    cpuMsPerRequest = {
      server: cpuMsBetween(before.server, serverCpu(server.pid)) / requests,
      database: cpuMsBetween(before.db, await backendCpu(ctx.db, applicationName)) / requests,
    };
    if (marks !== null) {
      sustained = sustainedReport(tally, startedAt, plan.seconds, await marks.stop(), rss.samples);
    }
  } finally {
    peakRssBytes = rss.stop();
    analyzedDuringCase = await autoAnalyze.stop();
  }

  const ringClock = await ringClockAfterLoad(ctx.db, spec);
  const check = await dataCheck(
    ctx.db,
    spec,
    (warmup?.ok ?? 0) + measured.ok,
    targets.pool.taken,
    ringClock,
  );
  return {
    id: spec.id,
    kind: spec.kind,
    path: spec.path,
    invitees: spec.invitees,
    connections: ctx.connections,
    targetRate: plan.rate,
    rateSource: plan.rateSource,
    callingTimeoutSeconds: spec.callingTimeoutSeconds,
    warmup,
    measured,
    peakRssBytes,
    cpuMsPerRequest,
    backgroundCpuBusy: background,
    sessionsProvisioned: targets.provisioned,
    analyzedDuringCase,
    check,
    ...(sustained === undefined ? {} : { sustained }),
    ...(ringClock === undefined ? {} : { ringClock }),
  };
}
