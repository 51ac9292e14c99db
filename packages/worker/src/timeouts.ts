import type { Db } from "@collab/db";
import { MEMBER_TIMEOUT_TASK, type MemberTimeoutPayload, quietJobQueueLogger } from "@collab/db";
import { timeOutCall } from "@collab/domain";
import { type Runner, run, type Task } from "graphile-worker";
import { describeError, type WorkerLog } from "./log";

// The durable calling timeout: the invite adds a graphile-worker job per rung member in its own
// transaction (@collab/db scheduleCallingTimeouts), due at invited_at + timeout; this runner
// executes due jobs. graphile-worker hands each job to one worker at a time across every process
// (SELECT … FOR UPDATE SKIP LOCKED on its job table), keeps jobs across restarts, and retries a
// job whose handler threw. The handler (@collab/domain timeOutCall) changes a member only if it is
// still CALLING from that very ring, under the session's lock, so a second run or a stale job is a
// no-op: the timeout fires exactly once, never for a member who answered or was rung again.

function isPayload(value: unknown): value is MemberTimeoutPayload {
  const p = value as Partial<Record<keyof MemberTimeoutPayload, unknown>> | null;
  return (
    typeof p === "object" &&
    p !== null &&
    typeof p.appId === "string" &&
    typeof p.sessionId === "string" &&
    typeof p.userId === "string" &&
    typeof p.invitedAt === "string"
  );
}

export interface TimeoutRunnerOptions {
  readonly db: Db;
  readonly pollIntervalMs: number;
  readonly concurrency: number;
  readonly log: WorkerLog;
}

export async function startTimeoutRunner(options: TimeoutRunnerOptions): Promise<Runner> {
  const { db, log } = options;
  const memberTimeout: Task = async (payload, helpers) => {
    if (!isPayload(payload)) {
      log.warn({ job: helpers.job.id }, "calling-timeout job with a malformed payload: dropped");
      return;
    }
    const outcome = await timeOutCall({ db: db.prisma }, payload);
    if (outcome === "timed_out") {
      log.info(
        { job: helpers.job.id, app: payload.appId, session: payload.sessionId },
        "member timed out",
      );
    }
  };
  return run({
    connectionString: db.url,
    concurrency: options.concurrency,
    pollInterval: options.pollIntervalMs,
    // The host process (Next.js, or the worker CLI) owns signal handling and shutdown.
    noHandleSignals: true,
    // On PGlite every pool connection shares one PostgreSQL session: names would collide.
    noPreparedStatements: true,
    taskList: { [MEMBER_TIMEOUT_TASK]: memberTimeout },
    // No crontab file: without this graphile-worker looks for one in the working directory.
    parsedCronItems: [],
    logger: quietJobQueueLogger,
  }).catch((error: unknown) => {
    log.error({ err: describeError(error) }, "the job queue runner did not start");
    throw error;
  });
}
