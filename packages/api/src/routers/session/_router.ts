import { InviteSessionRequest, InviteSessionResult } from "@collab/contracts";
import { inviteSession } from "@collab/domain";
import { appProcedure, router } from "../../trpc";
import { sessionConsoleProcedures } from "./console";
import { sessionLifecycleProcedures } from "./lifecycle";

// Each procedure is its contract (packages/contracts) plus its use case (packages/domain).
export const sessionRouter = router({
  ...sessionConsoleProcedures,
  ...sessionLifecycleProcedures,
  /** POST /session/invite: ring members into an ongoing session. */
  invite: appProcedure
    .input(InviteSessionRequest)
    .output(InviteSessionResult)
    .mutation(({ ctx, input }) => inviteSession(ctx, input)),
});
