import { createRespAny, EMPTY_ANY, HIAR_OPERATIONS, queryByUserRespAny } from "@collab/contracts";
import type { RestBinding } from "./hiar-route";

// Each documented HiAR operation bound to the tRPC procedure the console also calls.

type Request<K extends keyof typeof HIAR_OPERATIONS> = (typeof HIAR_OPERATIONS)[K]["request"];

function bind<K extends keyof typeof HIAR_OPERATIONS, D>(
  name: K,
  run: RestBinding<Request<K>, D>["run"],
): RestBinding<Request<K>, D> {
  return { operation: HIAR_OPERATIONS[name], run };
}

/** POST /session/invite: data is google.protobuf.Empty. */
export const inviteSession = bind("inviteSession", async (caller, input) => {
  await caller.session.invite(input);
  return EMPTY_ANY;
});

/** POST /create: data is CreateResp. */
export const createCollaboration = bind("createCollaboration", async (caller, input) =>
  createRespAny(await caller.collaboration.create(input)),
);

/** POST /user/query: data is QueryByUserResp. */
export const queryCollaborationsByUser = bind("queryCollaborationsByUser", async (caller, input) =>
  queryByUserRespAny(await caller.collaboration.byUser(input)),
);

// The call lifecycle (extensions): data is google.protobuf.Empty, as for the invite.

/** POST /session/accept. */
export const acceptCall = bind("acceptCall", async (caller, input) => {
  await caller.session.accept(input);
  return EMPTY_ANY;
});

/** POST /session/decline. */
export const declineCall = bind("declineCall", async (caller, input) => {
  await caller.session.decline(input);
  return EMPTY_ANY;
});

/** POST /session/busy. */
export const reportBusy = bind("reportBusy", async (caller, input) => {
  await caller.session.busy(input);
  return EMPTY_ANY;
});

/** POST /session/offline. */
export const reportOffline = bind("reportOffline", async (caller, input) => {
  await caller.session.offline(input);
  return EMPTY_ANY;
});

/** POST /session/leave. */
export const leaveSession = bind("leaveSession", async (caller, input) => {
  await caller.session.leave(input);
  return EMPTY_ANY;
});

/** POST /session/kickout. */
export const kickoutMember = bind("kickoutMember", async (caller, input) => {
  await caller.session.kickout(input);
  return EMPTY_ANY;
});

/** POST /session/end. */
export const endSession = bind("endSession", async (caller, input) => {
  await caller.session.end(input);
  return EMPTY_ANY;
});
