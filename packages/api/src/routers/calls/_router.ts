import { UserCallsRequest, UserCallsResp } from "@collab/contracts";
import { fetchUserCalls } from "@collab/domain";
import { appProcedure, router } from "../../trpc";

// A user's calls for the console (its missed-calls view): POST /user/calls's contract and use case.
export const callsRouter = router({
  /** POST /user/calls: the calls a user was rung for, newest first, with their outcome. */
  byUser: appProcedure
    .input(UserCallsRequest)
    .output(UserCallsResp)
    .query(({ ctx, input }) => fetchUserCalls(ctx, input)),
});
