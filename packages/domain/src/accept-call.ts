import type { MemberActionRequest, MemberTransitionResult } from "@collab/contracts";
import type { DomainContext } from "./context";
import { EVENT_TYPES } from "./events";
import { type TransitionOrigin, transitionSelf } from "./member-transition";

/**
 * POST /session/accept: the rung member answers (MEMBER_CALLING → MEMBER_TALKING); the first answer
 * starts a scheduled session (SESSION_SCHEDULE → SESSION_START, event session.started). Event
 * EVENT_TYPES.memberAccepted, actor = the member. NOT_FOUND: collaboration, session or member
 * unknown to the app; INVALID_STATE: the session ended, or the member's state does not allow it
 * (nothing changes). One transaction of 5 statements (member-transition.ts).
 */
export function acceptCall(
  ctx: DomainContext,
  input: MemberActionRequest,
  origin?: TransitionOrigin,
): Promise<MemberTransitionResult> {
  return transitionSelf(ctx, input, "MEMBER_TALKING", EVENT_TYPES.memberAccepted, origin);
}
