import { HiarError, type RotateAppSecretRequest, type RotatedAppSecret } from "@collab/contracts";
import { AppNotFoundError, rotateAppSecret } from "@collab/db";
import type { DomainContext } from "./context";

/** The overlap when neither the request nor the deployment names one (24 hours). */
export const DEFAULT_SECRET_OVERLAP_MS = 86_400_000;

/**
 * appSecret.rotate (the console): issues the app a new secret, returned this once; the current
 * one stays valid for the overlap (the request's, else the deployment's
 * APP_SECRET_ROTATION_OVERLAP_HOURS), so the app's servers can move to the new one without
 * downtime. Webhooks are signed with the new secret from the next delivery; server instances
 * accept it within their secret cache's few seconds. One statement.
 */
export async function rotateSecret(
  ctx: DomainContext,
  input: RotateAppSecretRequest,
): Promise<RotatedAppSecret> {
  const overlapMs =
    input.overlapHours === undefined
      ? (ctx.settings.secretRotationOverlapMs ?? DEFAULT_SECRET_OVERLAP_MS)
      : Math.round(input.overlapHours * 3_600_000);
  try {
    const rotated = await rotateAppSecret(ctx.db, ctx.app.id, { overlapMs });
    return {
      secret: rotated.secret,
      previousExpiresAt: rotated.previousExpiresAt?.toISOString() ?? null,
    };
  } catch (error) {
    if (error instanceof AppNotFoundError) throw new HiarError("NOT_FOUND", "app not found");
    throw error;
  }
}
