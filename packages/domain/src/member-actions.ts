import type {
  KickoutRequest,
  MemberActionRequest,
  MemberSessionStateName,
  MemberTransitionResult,
  ReasonInput,
  WithOptionalReason,
} from "@collab/contracts";
import type { DomainContext } from "./context";
import { EVENT_TYPES, type EventType } from "./events";
import { type TransitionOrigin, transitionMember } from "./member-transition";

// The call lifecycle's member actions (docs/state-machine.md), one row each: the state the member
// moves to and the event recorded. Each runs member-transition.ts's one transaction (5
// statements). NOT_FOUND: collaboration, session or member unknown to the app; INVALID_STATE: the
// session ended, or the member's state does not allow the move (nothing changes).

/** A member's report about itself: the member named by `userID` is both actor and subject. */
const SELF_ACTIONS = {
  /** POST /session/accept: MEMBER_CALLING → MEMBER_TALKING; the first answer starts a scheduled
   * session (SESSION_SCHEDULE → SESSION_START, event session.started). */
  acceptCall: { to: "MEMBER_TALKING", eventType: EVENT_TYPES.memberAccepted },
  /** POST /session/decline: MEMBER_CALLING → MEMBER_DECLINE. */
  declineCall: { to: "MEMBER_DECLINE", eventType: EVENT_TYPES.memberDeclined },
  /** POST /session/busy: MEMBER_CALLING → MEMBER_BUSY. */
  reportBusy: { to: "MEMBER_BUSY", eventType: EVENT_TYPES.memberBusy },
  /** POST /session/offline: MEMBER_CALLING or MEMBER_TALKING → MEMBER_OFFLINE. */
  reportOffline: { to: "MEMBER_OFFLINE", eventType: EVENT_TYPES.memberOffline },
  /** POST /session/leave: MEMBER_TALKING → MEMBER_LEFT. */
  leaveSession: { to: "MEMBER_LEFT", eventType: EVENT_TYPES.memberLeft },
} as const satisfies Record<
  string,
  { readonly to: MemberSessionStateName; readonly eventType: EventType }
>;

type SelfAction = (
  ctx: DomainContext,
  /** decline, busy and leave also take the optional reason (MemberActionWithReasonRequest). */
  input: MemberActionRequest & ReasonInput,
  /** A user procedure's device (the user channel): recorded on the event. */
  origin?: TransitionOrigin,
) => Promise<MemberTransitionResult>;

function selfAction(name: keyof typeof SELF_ACTIONS): SelfAction {
  const { to, eventType } = SELF_ACTIONS[name];
  return (ctx, input, origin) =>
    transitionMember(ctx, {
      collaborationID: input.collaborationID,
      sessionID: input.sessionID,
      subjectID: input.userID,
      subjectField: "userID",
      actorID: input.userID,
      to,
      eventType,
      ...(origin?.deviceID === undefined ? {} : { deviceID: origin.deviceID }),
      reason: { reason: input.reason, extra: input.extra },
    });
}

export const acceptCall = selfAction("acceptCall");
export const declineCall = selfAction("declineCall");
export const reportBusy = selfAction("reportBusy");
export const reportOffline = selfAction("reportOffline");
export const leaveSession = selfAction("leaveSession");

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
export function kickoutMember(
  ctx: DomainContext,
  input: WithOptionalReason<KickoutRequest>,
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
    reason: { reason: input.reason, extra: input.extra },
  });
}
