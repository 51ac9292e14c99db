import {
  type MemberTransitionResult,
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
import { userProcedure } from "../../trpc";
import { onEvent } from "./on-event";

// The end user's procedures (a device with a user token): answer for oneself with the same use
// cases, rules and events as the REST operations /session/accept … /session/leave, the member
// being always the token's user (a token for X can act only as X), and the device id recorded on
// the event so the user's other devices can tell "answered on another device".

type SelfTransition = (
  ctx: DomainContext,
  input: { collaborationID: string; sessionID: string; userID: string; reason?: string; extra?: string },
  origin?: TransitionOrigin,
) => Promise<MemberTransitionResult>;

// decline, busy and leave take the optional reason and extra (recorded on the event).
const selfAction = (
  transition: SelfTransition,
  request: typeof UserCallRequest | typeof UserCallWithReasonRequest = UserCallWithReasonRequest,
) =>
  userProcedure
    .input(request)
    .output(UserTransitionResult)
    .mutation(async ({ ctx, input }) => {
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
    });

export const userRouter = {
  /** Answer a ring: CALLING → TALKING (starts a scheduled session). */
  accept: selfAction(acceptCall, UserCallRequest),
  /** Decline a ring: CALLING → DECLINE. */
  decline: selfAction(declineCall),
  /** Report busy for a ring: CALLING → BUSY. */
  busy: selfAction(reportBusy),
  /** Leave a call: TALKING → LEFT. */
  leave: selfAction(leaveSession),
  /** The user's current calls (ringing, talking) and the rings missed in the last 7 days. */
  calls: userProcedure.output(UserCalls).query(({ ctx }) => listUserCalls(ctx, ctx.user.id)),
  /** The live channel (SSE): rings, ring ends, members' and sessions' state changes. */
  onEvent,
};
