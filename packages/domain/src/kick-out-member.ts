import type { KickoutRequest, MemberTransitionResult } from "@collab/contracts";
import type { DomainContext } from "./context";
import { EVENT_TYPES } from "./events";
import { transitionMember } from "./member-transition";

/**
 * POST /session/kickout: member `userID` kicks the talking member `memberID` out
 * (MEMBER_TALKING → MEMBER_KICKOUT; event member.kicked_out, actor = the kicker).
 *
 * The kicker must be a member of the session who is not MEMBER_KICKOUT and hold the kick right
 * (lifecycle-rules.ts `holdsKickRight`: with ruleSettings.roleControl, one of its roles has
 * RIGHT_KICKOUT or RIGHT_ALL in roleRights; without it, the session's starter or the
 * collaboration's creator) → otherwise PERMISSION_DENIED (checked before the target). A target
 * that is not a member is NOT_FOUND (field memberID); one that is not TALKING is INVALID_STATE.
 * Kicking oneself is INVALID_PARAM (the contract; /session/leave is for that).
 */
export function kickOutMember(
  ctx: DomainContext,
  input: KickoutRequest,
): Promise<MemberTransitionResult> {
  return transitionMember(ctx, {
    collaborationID: input.collaborationID,
    sessionID: input.sessionID,
    subjectID: input.memberID,
    subjectField: "memberID",
    actorID: input.userID,
    requireKickRight: true,
    to: "MEMBER_KICKOUT",
    eventType: EVENT_TYPES.memberKickedOut,
  });
}
