import {
  CreateCollaborationRequest,
  createRespAny,
  EMPTY_ANY,
  InviteSessionRequest,
  QueryByUserRequest,
  queryByUserRespAny,
} from "@collab/contracts";
import type { HiarOperation } from "./hiar-route";

// The documented HiAR POST paths, each mapped onto the tRPC procedure the console also calls.

/** POST /session/invite: rings members into an ongoing session; data is google.protobuf.Empty. */
export const inviteSession: HiarOperation<typeof InviteSessionRequest, typeof EMPTY_ANY> = {
  path: "/session/invite",
  input: InviteSessionRequest,
  run: async (caller, input) => {
    await caller.session.invite(input);
    return EMPTY_ANY;
  },
};

/** POST /create: a collaboration and its session; data is CreateResp. */
export const createCollaboration: HiarOperation<
  typeof CreateCollaborationRequest,
  ReturnType<typeof createRespAny>
> = {
  path: "/create",
  input: CreateCollaborationRequest,
  run: async (caller, input) => createRespAny(await caller.collaboration.create(input)),
};

/** POST /user/query: the app's collaborations a user is a member of; data is QueryByUserResp. */
export const queryCollaborationsByUser: HiarOperation<
  typeof QueryByUserRequest,
  ReturnType<typeof queryByUserRespAny>
> = {
  path: "/user/query",
  input: QueryByUserRequest,
  run: async (caller, input) => queryByUserRespAny(await caller.collaboration.byUser(input)),
};
