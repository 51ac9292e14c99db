import {
  CreateCollaborationRequest,
  CreateResp,
  QueryByUserRequest,
  QueryByUserResp,
} from "@collab/contracts";
import { createCollaboration, queryCollaborationsByUser } from "@collab/domain";
import { appProcedure, router } from "../../trpc";
import { collaborationConsoleProcedures } from "./list";

// Each procedure is its contract (packages/contracts) plus its use case (packages/domain).
export const collaborationRouter = router({
  ...collaborationConsoleProcedures,
  /** POST /create: a collaboration, its session, the creator and the listed members. */
  create: appProcedure
    .input(CreateCollaborationRequest)
    .output(CreateResp)
    .mutation(({ ctx, input }) => createCollaboration(ctx, input)),
  /** POST /user/query: the app's collaborations a user is a member of, newest first. */
  byUser: appProcedure
    .input(QueryByUserRequest)
    .output(QueryByUserResp)
    .query(({ ctx, input }) => queryCollaborationsByUser(ctx, input)),
});
