import {
  type AppUsage,
  type AppUsageRequest,
  type DeleteAppRequest,
  HiarError,
} from "@collab/contracts";
import { deleteApp, readAppUsage } from "@collab/db";
import type { DomainContext } from "./context";

// The app's own operations in the console (README "Operating an app"): its usage per day and its
// deletion. Disabling an app is the deployment operator's (`pnpm app:disable`): an app that
// disabled itself could not sign in to enable itself again.

/** app.usage: requests, refusals and rings per UTC day. ONE statement. */
export async function readUsage(ctx: DomainContext, input: AppUsageRequest): Promise<AppUsage> {
  const days = await readAppUsage(ctx.db, ctx.app.id, { days: input.days });
  return { days };
}

/**
 * app.delete: deletes the app and everything it owns, for good, once its APPID is typed again
 * (INVALID_PARAM otherwise). Its console sessions go with it. ONE statement.
 */
export async function deleteOwnApp(
  ctx: DomainContext,
  input: DeleteAppRequest,
): Promise<{ deleted: true }> {
  if (input.confirmAppId.trim() !== ctx.app.id) {
    throw new HiarError("INVALID_PARAM", "confirmAppId: type the app's APPID to delete it", {
      field: "confirmAppId",
    });
  }
  if (!(await deleteApp(ctx.db, ctx.app.id))) throw new HiarError("NOT_FOUND", "app not found");
  return { deleted: true };
}
