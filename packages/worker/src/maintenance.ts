import { type Database, purgeExpiredNonces, purgeWebhookAttempts } from "@collab/db";
import { type CronItem, parseCronItems, type Task } from "graphile-worker";
import { describeError, type WorkerLog } from "./log";

// Housekeeping on the database: tables that only grow would otherwise grow forever. Expired
// nonces are useless (a replay is refused by the date window already); delivery attempts are kept
// for the console for a retention period. graphile-worker's cron runs the task on one worker per
// tick across every process (it records each tick in its known_crontabs table).

export const MAINTENANCE_TASK = "maintenance";

/** Every 10 minutes; a tick missed while no worker ran is not replayed (the next one catches up). */
export const MAINTENANCE_CRON: readonly CronItem[] = [
  { task: MAINTENANCE_TASK, match: "*/10 * * * *", identifier: MAINTENANCE_TASK },
];

export interface MaintenanceResult {
  readonly nonces: number;
  readonly webhookAttempts: number;
}

/** One maintenance pass: expired nonces, and delivery attempts older than the retention. */
export async function runMaintenance(
  db: Database,
  options: { readonly attemptRetentionMs: number; readonly now?: Date },
): Promise<MaintenanceResult> {
  const now = options.now ?? new Date();
  const nonces = await purgeExpiredNonces(db, now);
  const webhookAttempts = await purgeWebhookAttempts(db, {
    olderThan: new Date(now.getTime() - options.attemptRetentionMs),
  });
  return { nonces, webhookAttempts };
}

export function maintenanceTask(
  db: Database,
  options: { readonly attemptRetentionMs: number; readonly log: WorkerLog },
): Task {
  return async () => {
    try {
      const purged = await runMaintenance(db, options);
      if (purged.nonces + purged.webhookAttempts > 0)
        options.log.info({ ...purged }, "maintenance");
    } catch (error) {
      // Thrown again so graphile-worker retries the job; logged here without a stack.
      options.log.warn({ err: describeError(error) }, "maintenance failed; retried");
      throw error;
    }
  };
}

export const parsedMaintenanceCron = () => parseCronItems([...MAINTENANCE_CRON]);
