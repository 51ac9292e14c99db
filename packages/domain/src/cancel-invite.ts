import {
  type CancelInviteRequest,
  type CancelInviteResult,
  HiarError,
  reasonPayload,
  type WithOptionalReason,
} from "@collab/contracts";
import {
  appendSessionEvents,
  cancelRingingMembers,
  lockSession,
  type NewSessionEvent,
} from "@collab/db";
import { planCancel } from "./cancel-plan";
import type { DomainContext } from "./context";
import { EVENT_TYPES } from "./events";
import { isStoredId } from "./ids";
import { assertSessionTarget, collaborationNotFound, sessionNotFound } from "./targets";
import { TRANSACTION_OPTIONS } from "./transaction";

/**
 * POST /session/cancel: `userID` stops the listed members ringing. Each, still MEMBER_CALLING,
 * becomes MEMBER_LEFT with its calling deadline cleared (the ring clock never times it out);
 * event member.cancelled per member, in request order (actor = the canceller, payload
 * `{ collaborationID, reason?, extra? }`). All or nothing: the first refusal (cancel-plan.ts)
 * changes nothing. NOT_FOUND / INVALID_STATE for the collaboration and session as every
 * operation (targets.ts).
 *
 * One transaction whatever the number of members, as the member transitions: lock the session +
 * read its collaboration, the canceller and the members · move them (one UPDATE) · event_seq +
 * events · COMMIT (packages/domain/README.md, "Statements per use case"). Under the session's
 * lock nobody else changes them, so a concurrent accept of the same member either committed
 * before (the cancel then reads TALKING: INVALID_STATE) or waits and then finds it LEFT
 * (INVALID_STATE): exactly one wins.
 */
export async function cancelInvite(
  ctx: DomainContext,
  input: WithOptionalReason<CancelInviteRequest>,
): Promise<CancelInviteResult> {
  const appId = ctx.app.id;
  const ids = { collaborationID: input.collaborationID, sessionID: input.sessionID };
  if (!isStoredId(input.collaborationID)) throw collaborationNotFound(ids);
  if (!isStoredId(input.sessionID)) throw sessionNotFound(ids);

  return ctx.db.$transaction(async (tx) => {
    const target = await lockSession(tx, {
      appId,
      sessionId: input.sessionID,
      collaborationId: input.collaborationID,
      userIds: [input.userID, ...input.members],
    });
    assertSessionTarget(target, ids);
    const members = planCancel({
      userID: input.userID,
      members: input.members,
      found: new Map(target.members.map((m) => [m.userId, m])),
      ruleSettings: target.collaboration.ruleSettings,
      starterID: target.session.starterId,
      creatorID: target.collaboration.creatorId,
    });

    const moved = await cancelRingingMembers(tx, {
      appId,
      sessionId: input.sessionID,
      userIds: members,
    });
    // Unreachable while every writer takes the session lock first; refuse rather than guess.
    if (moved.length !== members.length) {
      throw new HiarError("INVALID_STATE", "members changed concurrently; retry the cancel", {
        field: "members",
      });
    }

    const payload = { collaborationID: input.collaborationID, ...reasonPayload(input) };
    await appendSessionEvents(tx, {
      appId,
      sessionId: input.sessionID,
      events: members.map(
        (userID): NewSessionEvent => ({
          type: EVENT_TYPES.memberCancelled,
          actorId: input.userID,
          subjectId: userID,
          fromState: "MEMBER_CALLING",
          toState: "MEMBER_LEFT",
          traceId: ctx.trace.id,
          payload,
        }),
      ),
    });
    return {
      members: members.map((userID) => ({
        userID,
        fromState: "MEMBER_CALLING" as const,
        memberSessionState: "MEMBER_LEFT" as const,
      })),
      sessionState: target.session.state,
    };
  }, TRANSACTION_OPTIONS);
}
