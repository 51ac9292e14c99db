import type { Db, MemberTimeoutPayload } from "@collab/db";
import { timeOutCall } from "@collab/domain";
import type { Task } from "graphile-worker";
import type { WorkerLog } from "./log";

// The durable calling timeout: the invite adds a graphile-worker job per rung member in its own
// transaction (@collab/db scheduleCallingTimeouts), due at invited_at + timeout; job-runner.ts
// runs this task for due jobs. graphile-worker hands each job to one worker at a time across every
// process (SELECT … FOR UPDATE SKIP LOCKED on its job table), keeps jobs across restarts, and retries a
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

/** The `member_timeout` task: moves a still-ringing member to MEMBER_TIMEOUT (timeOutCall). */
export function memberTimeoutTask(db: Db, log: WorkerLog): Task {
  return async (payload, helpers) => {
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
}
