import {
  appendSessionEvents,
  type Database,
  lockSessionForLifecycle,
  type MemberTimeoutPayload,
  updateMemberState,
} from "@collab/db";
import { EVENT_TYPES } from "./events";
import { isStoredId } from "./ids";
import { TRANSACTION_OPTIONS } from "./transaction";

export type TimeOutCallOutcome =
  /** The member was still CALLING from that ring: now MEMBER_TIMEOUT, event appended. */
  | "timed_out"
  /** Nothing to do: answered, rung again, removed, or the session ended meanwhile. */
  | "skipped";

/**
 * The calling timeout (product.md: a rung member who does not answer within the timeout becomes
 * MEMBER_TIMEOUT), run by the worker when a ring's job falls due. It acts only on the ring the job
 * was scheduled for: the member must still be MEMBER_CALLING with the same invited_at, so a member
 * who answered (or declined, …) or was rung again meanwhile is left alone; the session must not
 * have ended. Then CALLING → TIMEOUT with a member.timeout event (actor and trace null: the server
 * did it), in one transaction under the session's lock like every other transition — a job that
 * runs twice (a worker died after committing) finds the member TIMEOUT and changes nothing, so the
 * timeout takes effect exactly once.
 */
export async function timeOutCall(
  deps: { readonly db: Database },
  job: MemberTimeoutPayload,
): Promise<TimeOutCallOutcome> {
  if (!isStoredId(job.sessionId)) return "skipped";
  const ringAt = Date.parse(job.invitedAt);
  if (Number.isNaN(ringAt)) return "skipped";

  return deps.db.$transaction(async (tx) => {
    const target = await lockSessionForLifecycle(tx, {
      appId: job.appId,
      sessionId: job.sessionId,
      collaborationId: null,
      userIds: [job.userId],
    });
    if (
      target.session === null ||
      target.collaboration === null ||
      target.session.state === "SESSION_END" ||
      target.collaboration.state === "COLLABORATION_END"
    ) {
      return "skipped";
    }
    const member = target.members[0];
    if (
      member === undefined ||
      member.memberSessionState !== "MEMBER_CALLING" ||
      member.invitedAt === null ||
      Date.parse(member.invitedAt) !== ringAt
    ) {
      return "skipped";
    }
    const { moved } = await updateMemberState(tx, {
      appId: job.appId,
      sessionId: job.sessionId,
      userId: job.userId,
      from: "MEMBER_CALLING",
      to: "MEMBER_TIMEOUT",
      invitedAt: member.invitedAt,
    });
    if (!moved) return "skipped";
    await appendSessionEvents(tx, {
      appId: job.appId,
      sessionId: job.sessionId,
      events: [
        {
          type: EVENT_TYPES.memberTimedOut,
          actorId: null,
          subjectId: job.userId,
          fromState: "MEMBER_CALLING",
          toState: "MEMBER_TIMEOUT",
          traceId: null,
          payload: { collaborationID: target.session.collaborationId, invitedAt: job.invitedAt },
        },
      ],
    });
    return "timed_out";
  }, TRANSACTION_OPTIONS);
}
