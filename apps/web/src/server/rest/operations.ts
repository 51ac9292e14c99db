import {
  createRespAny,
  EMPTY_ANY,
  type HIAR_OPERATIONS,
  type HiarOperationName,
  queryByUserRespAny,
  sessionEventsRespAny,
  userCallsRespAny,
  userTokenRespAny,
} from "@collab/contracts";
import {
  acceptCall,
  cancelInvite,
  createCollaboration,
  type DomainContext,
  declineCall,
  endSession,
  fetchSessionEvents,
  fetchUserCalls,
  inviteSession,
  issueUserToken,
  kickoutMember,
  leaveSession,
  queryCollaborationsByUser,
  reportBusy,
  reportOffline,
} from "@collab/domain";
import type * as z from "zod";

// The REST API as one table: each documented HiAR operation (contracts' HIAR_OPERATIONS: path,
// request contract, envelope) served by its use case (packages/domain), the same function the
// console's tRPC procedure calls, and rendered as the envelope's `data`. A new operation is a
// contract entry, a domain function and one line here (the type below makes the line required).

/** The parsed body of operation K (the contract's output). */
type Input<K extends HiarOperationName> = z.output<(typeof HIAR_OPERATIONS)[K]["request"]>;

export interface RestOperation<I> {
  /** Runs the use case for the authenticated app and returns the envelope's `data`. */
  readonly run: (ctx: DomainContext, input: I) => Promise<unknown>;
  /**
   * Whether a success may have appended session events: the adapter then signals the live
   * readers (user channel, webhooks) once it has answered.
   */
  readonly writesEvents: boolean;
}

function serve<I, R>(
  useCase: (ctx: DomainContext, input: I) => Promise<R>,
  data: (result: R) => unknown,
  writesEvents = true,
): RestOperation<I> {
  return { run: async (ctx, input) => data(await useCase(ctx, input)), writesEvents };
}

/** google.protobuf.Empty: the data of the invite and of the lifecycle extensions. */
const empty = () => EMPTY_ANY;

export const REST_OPERATIONS: { readonly [K in HiarOperationName]: RestOperation<Input<K>> } = {
  inviteSession: serve(inviteSession, empty),
  createCollaboration: serve(createCollaboration, createRespAny),
  queryCollaborationsByUser: serve(queryCollaborationsByUser, queryByUserRespAny, false),
  acceptCall: serve(acceptCall, empty),
  declineCall: serve(declineCall, empty),
  reportBusy: serve(reportBusy, empty),
  reportOffline: serve(reportOffline, empty),
  leaveSession: serve(leaveSession, empty),
  kickoutMember: serve(kickoutMember, empty),
  endSession: serve(endSession, empty),
  cancelInvite: serve(cancelInvite, empty),
  fetchSessionEvents: serve(fetchSessionEvents, sessionEventsRespAny, false),
  fetchUserCalls: serve(fetchUserCalls, userCallsRespAny, false),
  issueUserToken: serve(issueUserToken, userTokenRespAny, false),
};
