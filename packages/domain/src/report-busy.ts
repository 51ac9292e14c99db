import type { MemberActionRequest, MemberTransitionResult } from "@collab/contracts";
import type { DomainContext } from "./context";
import { EVENT_TYPES } from "./events";
import { type TransitionOrigin, transitionSelf } from "./member-transition";

/**
 * POST /session/busy: the rung member is busy (MEMBER_CALLING → MEMBER_BUSY). Event
 * EVENT_TYPES.memberBusy, actor = the member. NOT_FOUND: collaboration, session or member unknown
 * to the app; INVALID_STATE: the session ended, or the member's state does not allow it (nothing
 * changes). One transaction of 5 statements (member-transition.ts).
 */
export function reportBusy(
  ctx: DomainContext,
  input: MemberActionRequest,
  origin?: TransitionOrigin,
): Promise<MemberTransitionResult> {
  return transitionSelf(ctx, input, "MEMBER_BUSY", EVENT_TYPES.memberBusy, origin);
}
