import {
  buildMemberInfo,
  HiarError,
  type InviteSessionRequest,
  type InviteSessionResult,
  LIVE_MEMBER_STATES,
  type MemberSessionStateName,
  memberLimitFor,
  TERMINAL_MEMBER_STATES,
} from "@collab/contracts";
import {
  appendSessionEvents,
  lockSessionWithCollaboration,
  type MemberWrite,
  type NewSessionEvent,
  readMemberStates,
  upsertMembers,
} from "@collab/db";
import { effectiveCallingTimeoutSeconds } from "./calling-timeout";
import type { DomainContext } from "./context";
import { EVENT_TYPES } from "./events";
import { isStoredId } from "./ids";
import {
  assertInviteRequest,
  assertInviteTarget,
  collaborationNotFound,
  type InviteChange,
  planInvite,
  RING_STATE,
  sessionNotFound,
} from "./invite-plan";
import { TRANSACTION_OPTIONS } from "./transaction";

/** States a write may overwrite: the ones an invite rings again (never a live member). */
const RINGABLE_STATES: readonly MemberSessionStateName[] = [
  "MEMBER_UNSPECIFIED",
  ...TERMINAL_MEMBER_STATES,
];

function memberWrite(change: InviteChange): MemberWrite {
  const m = change.member;
  return {
    userId: m.userID,
    confirmState: m.confirmState,
    memberSessionState: RING_STATE,
    medias: m.medias,
    tools: m.tools,
    roles: m.roles,
    deviceType: m.deviceType,
    seqId: m.seqID,
    extra: m.extra,
  };
}

export interface InviteOptions {
  /**
   * The deployment's calling timeout for this call (seconds a rung member may stay CALLING);
   * default `ctx.settings.callingTimeoutSeconds`. A collaboration's own
   * `ruleSettings.callingTimeout` takes precedence over it.
   */
  readonly callingTimeoutSeconds?: number;
}

/**
 * POST /session/invite (product.md, "Invite semantics"): rings `members` into an ongoing session
 * of the caller's app, all or nothing, in ONE transaction of at most 6 statements whatever the
 * number of invitees (BEGIN; lock session + read collaboration; read inviter, invitees and live
 * count; upsert the rung members, each with its calling deadline — now() + the collaboration's own
 * timeout, read with the lock, else the deployment's — which the workers' ring clock sweeps;
 * advance event_seq + append their events; COMMIT). Concurrent invites to one session queue on
 * the session's row lock, so the member limit holds under any interleaving. Returns one outcome
 * per invitee, in request order.
 *
 * Errors (HiarError): NOT_FOUND (collaboration or session unknown to the app, or the session is
 * not the collaboration's), INVALID_STATE (session or collaboration ended), PERMISSION_DENIED
 * (inviter not a member, or KICKOUT), MEMBER_LIMIT_EXCEEDED, INVALID_PARAM (request rules).
 */
export async function inviteMembers(
  ctx: DomainContext,
  input: InviteSessionRequest,
  options: InviteOptions = {},
): Promise<InviteSessionResult> {
  assertInviteRequest(input);
  // The collaboration's own timeout may replace it.
  const deploymentTimeoutSeconds =
    options.callingTimeoutSeconds ?? ctx.settings.callingTimeoutSeconds;
  const appId = ctx.app.id;
  const ids = { collaborationID: input.collaborationID, sessionID: input.sessionID };
  // IDs that cannot exist need no query (and are NOT_FOUND exactly like absent ones).
  if (!isStoredId(input.collaborationID)) throw collaborationNotFound(ids);
  if (!isStoredId(input.sessionID)) throw sessionNotFound(ids);

  return ctx.db.$transaction(async (tx) => {
    const target = await lockSessionWithCollaboration(tx, {
      appId,
      collaborationId: input.collaborationID,
      sessionId: input.sessionID,
    });
    assertInviteTarget(target, ids);

    const snapshot = await readMemberStates(tx, {
      appId,
      sessionId: input.sessionID,
      userIds: [input.userID, ...input.members.map((m) => m.userID)],
      countStates: LIVE_MEMBER_STATES,
    });
    const states = new Map(snapshot.members.map((m) => [m.userId, m.memberSessionState]));
    const plan = planInvite({
      inviterID: input.userID,
      inviterState: states.get(input.userID) ?? null,
      invitees: input.members,
      currentStates: states,
      liveCount: snapshot.count,
      limit: memberLimitFor(target.collaboration.numberLimit),
    });
    if (plan.changes.length === 0) return { members: plan.outcomes };

    const written = await upsertMembers(tx, {
      appId,
      sessionId: input.sessionID,
      members: plan.changes.map(memberWrite),
      invitedBy: input.userID,
      overwriteStates: RINGABLE_STATES,
      // The durable calling timeout: each rung member's deadline, committed with the ring.
      callingTimeoutSeconds: effectiveCallingTimeoutSeconds(
        target.collaboration.callingTimeoutSeconds,
        deploymentTimeoutSeconds,
      ),
    });
    if (written.length !== plan.changes.length) {
      // A member changed state without the session lock: refuse rather than break the limit.
      throw new HiarError("INVALID_STATE", "members changed concurrently; retry the invite", {
        details: { expected: plan.changes.length, written: written.length },
      });
    }

    await appendSessionEvents(tx, {
      appId,
      sessionId: input.sessionID,
      events: plan.changes.map(
        (change): NewSessionEvent => ({
          type:
            change.outcome === "added" ? EVENT_TYPES.memberInvited : EVENT_TYPES.memberRungAgain,
          actorId: input.userID,
          subjectId: change.member.userID,
          fromState: change.fromState,
          toState: RING_STATE,
          traceId: ctx.trace.id,
          payload: {
            collaborationID: input.collaborationID,
            outcome: change.outcome,
            member: buildMemberInfo(change.member),
          },
        }),
      ),
    });
    return { members: plan.outcomes };
  }, TRANSACTION_OPTIONS);
}
