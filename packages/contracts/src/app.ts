import * as z from "zod";
import { StorableString } from "./scalars";

// The console's view of the signed-in app itself: its usage per day and its deletion.

/** Most days of usage one request may ask for. */
export const MAX_USAGE_DAYS = 90;

export const AppUsageRequest = z.object({
  /** The last `days` UTC days, today included (default 30). */
  days: z.number().int().min(1).max(MAX_USAGE_DAYS).default(30),
});
export type AppUsageRequest = z.infer<typeof AppUsageRequest>;

export const AppUsageDay = z.object({
  /** The UTC day, YYYY-MM-DD. */
  day: z.string(),
  /** Authenticated REST requests answered. */
  requests: z.number().int().nonnegative(),
  /** Of those, the ones refused (any 4xx or 5xx answer). */
  errors: z.number().int().nonnegative(),
  /** Members rung (invites and rings again, from any surface). */
  rings: z.number().int().nonnegative(),
});
export type AppUsageDay = z.infer<typeof AppUsageDay>;

export const AppUsage = z.object({
  /** Oldest first, today last; every day present. */
  days: z.array(AppUsageDay),
});
export type AppUsage = z.infer<typeof AppUsage>;

export const DeleteAppRequest = z.object({
  /** The app's own APPID, typed again: a deletion cannot be undone. */
  confirmAppId: StorableString.max(200),
});
export type DeleteAppRequest = z.infer<typeof DeleteAppRequest>;
