import type { MemberActionRequest, MemberTransitionResult } from "@collab/contracts";
import type { DomainContext } from "./context";
import { EVENT_TYPES } from "./events";
import { type TransitionOrigin, transitionSelf } from "./member-transition";

/**
 * POST /session/decline: the rung member declines (MEMBER_CALLING → MEMBER_DECLINE). Event
 * EVENT_TYPES.memberDeclined, actor = the member. NOT_FOUND: collaboration, session or member
 * unknown to the app; INVALID_STATE: the session ended, or the member's state does not allow it
 * (nothing changes). One transaction of 5 statements (member-transition.ts).
 */
export function declineCall(
  ctx: DomainContext,
  input: MemberActionRequest,
  origin?: TransitionOrigin,
): Promise<MemberTransitionResult> {
  return transitionSelf(ctx, input, "MEMBER_DECLINE", EVENT_TYPES.memberDeclined, origin);
}
