import {
  claimPeriodicRun,
  type Database,
  purgeConsoleSessions,
  purgeExpiredNonces,
  purgeRateLimits,
  purgeWebhookAttempts,
} from "@collab/db";
import type { WorkerLog } from "./log";
import { type Loop, type LoopReport, startLoop } from "./loop";

// Housekeeping on the database: tables that only grow would otherwise grow forever. Expired
// nonces are useless (a replay is refused by the date window already); so are expired or revoked
// console sessions; so are full rate-limit buckets and ended sign-in failure windows (the shared
// store RATE_LIMIT_STORE=postgres); delivery attempts are kept for the console for a retention period. One worker per interval runs it, whatever the number of
// processes: each worker's loop asks regularly, and the `periodic_task` row's conditional upsert
// (claimPeriodicRun) grants the run to exactly one of them per interval.

/** The maintenance pass's row in periodic_task. */
export const MAINTENANCE_TASK = "maintenance";

export interface MaintenanceResult {
  readonly nonces: number;
  readonly webhookAttempts: number;
  readonly consoleSessions: number;
  /** Rate-limit buckets full again and sign-in failure windows ended. */
  readonly rateLimits: number;
}

/**
 * One maintenance pass: expired nonces, expired or revoked console sessions, rate-limit rows that
 * mean nothing any more, and delivery attempts older than the retention.
 */
export async function runMaintenance(
  db: Database,
  options: { readonly attemptRetentionMs: number; readonly now?: Date },
): Promise<MaintenanceResult> {
  const now = options.now ?? new Date();
  const nonces = await purgeExpiredNonces(db, now);
  const webhookAttempts = await purgeWebhookAttempts(db, {
    olderThan: new Date(now.getTime() - options.attemptRetentionMs),
  });
  const consoleSessions = await purgeConsoleSessions(db);
  const limits = await purgeRateLimits(db);
  return {
    nonces,
    webhookAttempts,
    consoleSessions,
    rateLimits: limits.buckets + limits.signInFailures,
  };
}

/**
 * How often a worker asks for the run: a tenth of the interval, between 1 s and 1 min, so a pass
 * starts at most that long after it is due, at the cost of one cheap statement per ask.
 */
export function maintenanceCheckMs(intervalMs: number): number {
  return Math.min(60_000, Math.max(1_000, Math.round(intervalMs / 10)));
}

export function startMaintenance(options: {
  readonly db: Database;
  readonly intervalMs: number;
  readonly attemptRetentionMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly log: WorkerLog;
  readonly report?: LoopReport;
}): Loop {
  const { db, log } = options;
  const checkMs = maintenanceCheckMs(options.intervalMs);
  return startLoop({
    name: MAINTENANCE_TASK,
    retryBaseMs: options.retryBaseMs,
    retryMaxMs: options.retryMaxMs,
    log,
    report: options.report,
    async pass() {
      const claimed = await claimPeriodicRun(db, {
        name: MAINTENANCE_TASK,
        intervalMs: options.intervalMs,
      });
      if (claimed) {
        // A pass that fails after its claim is logged by the loop and runs again next interval.
        const purged = await runMaintenance(db, options);
        if (Object.values(purged).some((count) => count > 0))
          log.info({ ...purged }, "maintenance");
      }
      return checkMs;
    },
  });
}
