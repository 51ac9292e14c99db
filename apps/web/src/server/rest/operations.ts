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
