import * as z from "zod";

/** The longest overlap a rotation may keep the previous secret valid for, in hours (30 days). */
export const MAX_SECRET_OVERLAP_HOURS = 720;

/**
 * appSecret.rotate: issue a new secret; the current one stays valid for `overlapHours` (default:
 * the deployment's APP_SECRET_ROTATION_OVERLAP_HOURS; 0 ends it at once).
 */
export const RotateAppSecretRequest = z.object({
  overlapHours: z
    .number()
    .min(0)
    .max(MAX_SECRET_OVERLAP_HOURS, {
      error: `must be at most ${MAX_SECRET_OVERLAP_HOURS} hours (30 days)`,
    })
    .optional(),
});
export type RotateAppSecretRequest = z.output<typeof RotateAppSecretRequest>;

/** The new secret, shown this once, and until when the previous one is still accepted. */
export const RotatedAppSecret = z.object({
  secret: z.string(),
  previousExpiresAt: z.iso.datetime({ offset: true }).nullable(),
});
export type RotatedAppSecret = z.output<typeof RotatedAppSecret>;
