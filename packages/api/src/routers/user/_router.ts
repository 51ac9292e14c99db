import {
  type MemberActionRequest,
  type MemberTransitionResult,
  type ReasonInput,
  UserCallRequest,
  UserCalls,
  UserCallWithReasonRequest,
  UserTransitionResult,
} from "@collab/contracts";
import {
  acceptCall,
  type DomainContext,
  declineCall,
  leaveSession,
  listUserCalls,
  reportBusy,
  type TransitionOrigin,
} from "@collab/domain";
import type { UserIdentity } from "../../context";
import { userProcedure } from "../../trpc";
import { onEvent } from "./on-event";

// The end user's procedures (a device with a user token): answer for oneself with the same use
// cases, rules and events as the REST operations /session/accept … /session/leave, the member
// being always the token's user (a token for X can act only as X), and the device id recorded on
// the event so the user's other devices can tell "answered on another device".

type SelfTransition = (
  ctx: DomainContext,
  input: MemberActionRequest & ReasonInput,
  origin?: TransitionOrigin,
) => Promise<MemberTransitionResult>;

/** The token's user moves itself; the device id is recorded on the event. */
async function moveSelf(
  ctx: DomainContext & { readonly user: UserIdentity },
  input: { collaborationID: string; sessionID: string } & ReasonInput,
  transition: SelfTransition,
): Promise<UserTransitionResult> {
  const { user } = ctx;
  const result = await transition(
    ctx,
    { ...input, userID: user.id },
    user.deviceID === null ? {} : { deviceID: user.deviceID },
  );
  return {
    collaborationID: input.collaborationID,
    sessionID: input.sessionID,
    fromState: result.fromState,
    memberSessionState: result.memberSessionState,
    sessionState: result.sessionState,
    deviceID: user.deviceID,
  };
}

const selfAction = (transition: SelfTransition) =>
  userProcedure
    .input(UserCallRequest)
    .output(UserTransitionResult)
    .mutation(({ ctx, input }) => moveSelf(ctx, input, transition));

// decline, busy and leave also take the optional reason and extra (recorded on the event).
const selfActionWithReason = (transition: SelfTransition) =>
  userProcedure
    .input(UserCallWithReasonRequest)
    .output(UserTransitionResult)
    .mutation(({ ctx, input }) => moveSelf(ctx, input, transition));

export const userRouter = {
  /** Answer a ring: CALLING → TALKING (starts a scheduled session). */
  accept: selfAction(acceptCall),
  /** Decline a ring: CALLING → DECLINE. */
  decline: selfActionWithReason(declineCall),
  /** Report busy for a ring: CALLING → BUSY. */
  busy: selfActionWithReason(reportBusy),
  /** Leave a call: TALKING → LEFT. */
  leave: selfActionWithReason(leaveSession),
  /** The user's current calls (ringing, talking) and the rings missed in the last 7 days. */
  calls: userProcedure.output(UserCalls).query(({ ctx }) => listUserCalls(ctx, ctx.user.id)),
  /** The live channel (SSE): rings, ring ends, members' and sessions' state changes. */
  onEvent,
};
