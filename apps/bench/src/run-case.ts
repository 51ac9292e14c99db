import type pg from "pg";
import type { CaseSpec } from "./cases";
import {
  analyze,
  type BenchApp,
  countInviteEvents,
  provisionTargets,
  resetInviteData,
} from "./database/fixtures";
import { type DriveResult, drive } from "./load/drive";
import { type HttpRequest, signedInvite, trpcInvite } from "./load/invite-request";
import { type InviteAssignment, TargetPool } from "./load/target-pool";
import { backgroundCpuBusy } from "./machine/cpu-idle";
import { backendCpu, cpuMsBetween, serverCpu } from "./machine/cpu-time";
import type { CaseResult } from "./results";
import { BASELINE_APPLICATION_NAME } from "./servers/baseline";
import { NEXT_APPLICATION_NAME } from "./servers/next-app";
import { sampleRss } from "./servers/rss";
import type { ServerProcess } from "./servers/server-process";
import type { ConsoleSession } from "./trpc/console-session";

export interface BenchContext {
  readonly db: pg.Pool;
  readonly app: BenchApp;
  /** The Next.js server serves both the REST and the tRPC cases. */
  readonly next: ServerProcess;
  readonly baseline: ServerProcess;
  readonly consoleSession: ConsoleSession;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly log: (line: string) => void;
}

/** Requests/s no path reaches here (1 invitee), and invitees/s no path writes: capacity bounds. */
const CEILING_REQUESTS_PER_SECOND = 5_000;
const CEILING_INVITEES_PER_SECOND = 80_000;

/** A session id that cannot exist: what a request gets when every provisioned session is full. */
const EXHAUSTED: InviteAssignment = {
  target: { collaborationId: "0".repeat(32), sessionId: "0".repeat(32) },
  userIds: ["member-exhausted"],
};

function requestsFor(invitees: number, seconds: number, ratePerSecond: number | null): number {
  const rate =
    ratePerSecond ?? Math.min(CEILING_REQUESTS_PER_SECOND, CEILING_INVITEES_PER_SECOND / invitees);
  return Math.ceil(rate * seconds);
}

/** Adds sessions until the pool can take `requests` more (plus a margin of sessions). */
async function ensureCapacity(ctx: BenchContext, pool: TargetPool, requests: number) {
  const missing = requests - pool.remaining;
  const spare = 2 * ctx.connections - pool.sessionsInRotation;
  const sessions = Math.max(Math.ceil(Math.max(0, missing) / pool.requestsPerSession), spare, 0);
  if (sessions > 0) pool.add(await provisionTargets(ctx.db, ctx.app.id, sessions));
  return sessions;
}

export async function runCase(
  ctx: BenchContext,
  spec: CaseSpec,
  targetRate: number | null,
): Promise<CaseResult> {
  const session = ctx.consoleSession;
  if (spec.path === "trpc" && !session.ok) {
    return { id: spec.id, path: spec.path, invitees: spec.invitees, skipped: session.reason };
  }
  const server = spec.path === "baseline" ? ctx.baseline : ctx.next;
  const applicationName =
    spec.path === "baseline" ? BASELINE_APPLICATION_NAME : NEXT_APPLICATION_NAME;
  const background = await backgroundCpuBusy();

  await resetInviteData(ctx.db);
  const pool = new TargetPool(spec.invitees);
  let provisioned = await ensureCapacity(
    ctx,
    pool,
    requestsFor(spec.invitees, ctx.warmupSeconds || ctx.durationSeconds, targetRate),
  );
  await analyze(ctx.db);

  let exhaustedLogged = false;
  const nextRequest = (): HttpRequest => {
    let assignment = pool.take();
    if (assignment === null) {
      if (!exhaustedLogged) ctx.log(`  ${spec.id}: every provisioned session is full`);
      exhaustedLogged = true;
      assignment = EXHAUSTED;
    }
    return session.ok && spec.path === "trpc"
      ? trpcInvite(session.cookie, server.baseUrl, assignment)
      : signedInvite(ctx.app, assignment);
  };
  const load = (seconds: number) =>
    drive({
      baseUrl: server.baseUrl,
      connections: ctx.connections,
      seconds,
      ...(targetRate === null ? {} : { overallRate: targetRate }),
      nextRequest,
    });

  const rss = sampleRss(server.pid);
  let warmup: DriveResult | null = null;
  let measured: DriveResult;
  let peakRssBytes = 0;
  let cpuMsPerRequest = { server: 0, database: 0 };
  try {
    if (ctx.warmupSeconds > 0) {
      warmup = await load(ctx.warmupSeconds);
      // Twice the warm-up's rate: the measured run must never run out of fresh sessions.
      const observed = Math.max(warmup.requestsPerSecond, 1) * 2;
      provisioned += await ensureCapacity(
        ctx,
        pool,
        requestsFor(spec.invitees, ctx.durationSeconds, targetRate ?? observed),
      );
    } else {
      provisioned += await ensureCapacity(
        ctx,
        pool,
        requestsFor(spec.invitees, ctx.durationSeconds, targetRate),
      );
    }
    const before = { server: serverCpu(server.pid), db: await backendCpu(ctx.db, applicationName) };
    measured = await load(ctx.durationSeconds);
    const requests = Math.max(1, measured.ok + measured.errors);
    cpuMsPerRequest = {
      server: cpuMsBetween(before.server, serverCpu(server.pid)) / requests,
      database: cpuMsBetween(before.db, await backendCpu(ctx.db, applicationName)) / requests,
    };
  } finally {
    peakRssBytes = rss.stop();
  }

  const events = await countInviteEvents(ctx.db);
  const ok = (warmup?.ok ?? 0) + measured.ok;
  const check = {
    invitedEvents: events.invited,
    expectedAtLeast: ok * spec.invitees,
    // Requests cut off when the run stopped may have committed without their answer counted.
    expectedAtMost: pool.taken * spec.invitees,
    rungAgainEvents: events.rungAgain,
    ok: false,
  };
  check.ok =
    check.rungAgainEvents === 0 &&
    check.invitedEvents >= check.expectedAtLeast &&
    check.invitedEvents <= check.expectedAtMost;

  return {
    id: spec.id,
    path: spec.path,
    invitees: spec.invitees,
    connections: ctx.connections,
    targetRate,
    warmup,
    measured,
    peakRssBytes,
    cpuMsPerRequest,
    backgroundCpuBusy: background,
    sessionsProvisioned: provisioned,
    check,
  };
}
