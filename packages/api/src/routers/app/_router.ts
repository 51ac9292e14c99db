import { AppUsage, AppUsageRequest, DeleteAppRequest } from "@collab/contracts";
import { deleteOwnApp, readUsage } from "@collab/domain";
import * as z from "zod";
import { appProcedure, router } from "../../trpc";

// The signed-in app itself, for the console: its usage per day, and deleting it.
export const signedInAppRouter = router({
  /** Authenticated REST requests, refusals and rings per UTC day, today last. */
  usage: appProcedure
    .input(AppUsageRequest)
    .output(AppUsage)
    .query(({ ctx, input }) => readUsage(ctx, input)),
  /**
   * Deletes the app and everything it owns once its APPID is typed again; this browser's cookie
   * is cleared (every console session went with the app).
   */
  delete: appProcedure
    .input(DeleteAppRequest)
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const result = await deleteOwnApp(ctx, input);
      ctx.browser?.clearSessionCookie();
      return result;
    }),
});
