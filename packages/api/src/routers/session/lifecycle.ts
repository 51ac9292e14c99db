import {
  CancelInviteRequest,
  CancelInviteResult,
  EndSessionRequest,
  EndSessionResult,
  KickoutRequest,
  MemberActionRequest,
  MemberActionWithReasonRequest,
  MemberTransitionResult,
} from "@collab/contracts";
import {
  acceptCall,
  cancelInvite,
  declineCall,
  endSession,
  kickoutMember,
  leaveSession,
  reportBusy,
  reportOffline,
} from "@collab/domain";
import { appProcedure } from "../../trpc";

// The call lifecycle around the invite (the REST extensions /session/accept … /session/end call
// these), spread into sessionRouter.
const memberAction = appProcedure.input(MemberActionRequest).output(MemberTransitionResult);
// decline, busy and leave also take the optional reason and extra.
const memberActionWithReason = appProcedure
  .input(MemberActionWithReasonRequest)
  .output(MemberTransitionResult);

export const sessionLifecycleProcedures = {
  /** POST /session/accept: CALLING → TALKING (starts a scheduled session). */
  accept: memberAction.mutation(({ ctx, input }) => acceptCall(ctx, input)),
  /** POST /session/decline: CALLING → DECLINE. */
  decline: memberActionWithReason.mutation(({ ctx, input }) => declineCall(ctx, input)),
  /** POST /session/busy: CALLING → BUSY. */
  busy: memberActionWithReason.mutation(({ ctx, input }) => reportBusy(ctx, input)),
  /** POST /session/offline: CALLING | TALKING → OFFLINE. */
  offline: memberAction.mutation(({ ctx, input }) => reportOffline(ctx, input)),
  /** POST /session/leave: TALKING → LEFT. */
  leave: memberActionWithReason.mutation(({ ctx, input }) => leaveSession(ctx, input)),
  /** POST /session/kickout: TALKING → KICKOUT, by a member holding the kick right. */
  kickout: appProcedure
    .input(KickoutRequest)
    .output(MemberTransitionResult)
    .mutation(({ ctx, input }) => kickoutMember(ctx, input)),
  /** POST /session/cancel: ringing members → LEFT, by their inviter or a holder of the right. */
  cancel: appProcedure
    .input(CancelInviteRequest)
    .output(CancelInviteResult)
    .mutation(({ ctx, input }) => cancelInvite(ctx, input)),
  /** POST /session/end: live members → LEFT, session and collaboration ended. */
  end: appProcedure
    .input(EndSessionRequest)
    .output(EndSessionResult)
    .mutation(({ ctx, input }) => endSession(ctx, input)),
};
