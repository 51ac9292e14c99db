import { CollaborationPage, ListCollaborationsRequest } from "@collab/contracts";
import { listCollaborations } from "@collab/domain";
import { appProcedure } from "../../trpc";

// The console's reads of collaborations, spread into collaborationRouter.
export const collaborationConsoleProcedures = {
  /** The app's collaborations, newest first, paginated, with member counts. */
  list: appProcedure
    .input(ListCollaborationsRequest)
    .output(CollaborationPage)
    .query(({ ctx, input }) => listCollaborations(ctx, input)),
};
