import {
  type EndSessionRequest,
  type EndSessionResult,
  HiarError,
  reasonPayload,
  type WithOptionalReason,
} from "@collab/contracts";
import {
  appendSessionEvents,
  endSessionAndMembers,
  lockSession,
  type NewSessionEvent,
} from "@collab/db";
import type { DomainContext } from "./context";
import { EVENT_TYPES } from "./events";
import { isStoredId } from "./ids";
import { mayEndSession } from "./lifecycle-rules";
import { assertSessionTarget, collaborationNotFound, sessionNotFound } from "./targets";
import { TRANSACTION_OPTIONS } from "./transaction";

/**
 * POST /session/end: the session's starter or the collaboration's creator (`userID`) ends the
 * session. Every member CALLING or TALKING becomes MEMBER_LEFT (the session is over for them:
 * this is the session's transition, not a member's own, so CALLING → LEFT is allowed here only),
 * the session SESSION_END and its collaboration COLLABORATION_END — a collaboration has exactly
 * one session and nothing starts another, so once it ends the collaboration is history
 * (/user/query with history=false hides it). Afterwards invites and transitions in the session
 * answer INVALID_STATE, and pending calling timeouts find no CALLING member.
 *
 * Events: one member.left per member moved (actor = the ender, payload reason "session_ended"),
 * in the order they joined, then session.ended (with the request's reason and extra, when sent).
 * Refusals: NOT_FOUND (unknown collaboration or
 * session), INVALID_STATE (already ended), PERMISSION_DENIED (neither starter nor creator).
 * One transaction whatever the number of members: lock · end members, session and collaboration
 * in one statement · event_seq + events (packages/domain/README.md, "Statements per use case").
 */
export async function endSession(
  ctx: DomainContext,
  input: WithOptionalReason<EndSessionRequest>,
): Promise<EndSessionResult> {
  const appId = ctx.app.id;
  const ids = { collaborationID: input.collaborationID, sessionID: input.sessionID };
  if (!isStoredId(input.collaborationID)) throw collaborationNotFound(ids);
  if (!isStoredId(input.sessionID)) throw sessionNotFound(ids);

  return ctx.db.$transaction(async (tx) => {
    const target = await lockSession(tx, {
      appId,
      sessionId: input.sessionID,
      collaborationId: input.collaborationID,
      userIds: [],
    });
    assertSessionTarget(target, ids);
    const allowed = mayEndSession({
      userID: input.userID,
      starterID: target.session.starterId,
      creatorID: target.collaboration.creatorId,
    });
    if (!allowed) {
      throw new HiarError(
        "PERMISSION_DENIED",
        `${input.userID} is neither the session's starter nor the collaboration's creator`,
        { field: "userID" },
      );
    }

    const ended = await endSessionAndMembers(tx, {
      appId,
      sessionId: input.sessionID,
      collaborationId: input.collaborationID,
      endCollaboration: true,
    });
    const payload = { collaborationID: input.collaborationID };
    await appendSessionEvents(tx, {
      appId,
      sessionId: input.sessionID,
      events: [
        ...ended.members.map(
          (m): NewSessionEvent => ({
            type: EVENT_TYPES.memberLeft,
            actorId: input.userID,
            subjectId: m.userId,
            fromState: m.fromState,
            toState: "MEMBER_LEFT",
            traceId: ctx.trace.id,
            payload: { ...payload, reason: "session_ended" },
          }),
        ),
        {
          type: EVENT_TYPES.sessionEnded,
          actorId: input.userID,
          subjectId: null,
          fromState: null,
          toState: null,
          traceId: ctx.trace.id,
          payload: {
            ...payload,
            sessionState: "SESSION_END",
            collaborationState: "COLLABORATION_END",
            membersLeft: ended.members.length,
            // The ender's reason and extra, when sent (the member.left events keep the server's
            // own reason, session_ended).
            ...reasonPayload(input),
          },
        },
      ],
    });
    return {
      members: ended.members.map((m) => ({ userID: m.userId, fromState: m.fromState })),
      sessionState: "SESSION_END",
      collaborationState: "COLLABORATION_END",
    };
  }, TRANSACTION_OPTIONS);
}
