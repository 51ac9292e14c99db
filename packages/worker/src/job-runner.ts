import { type Db, MEMBER_TIMEOUT_TASK, quietJobQueueLogger } from "@collab/db";
import { type Runner, run } from "graphile-worker";
import { describeError, type WorkerLog } from "./log";
import { MAINTENANCE_TASK, maintenanceTask, parsedMaintenanceCron } from "./maintenance";
import { memberTimeoutTask } from "./timeouts";

export interface JobRunnerOptions {
  readonly db: Db;
  readonly pollIntervalMs: number;
  readonly concurrency: number;
  /** How long webhook delivery attempts are kept (maintenance). */
  readonly attemptRetentionMs: number;
  readonly log: WorkerLog;
}

/**
 * The graphile-worker runner of this process: calling timeouts (`member_timeout`, added by the
 * invite's transaction) and the `maintenance` cron task.
 */
export async function startJobRunner(options: JobRunnerOptions): Promise<Runner> {
  const { db, log } = options;
  return run({
    connectionString: db.url,
    concurrency: options.concurrency,
    pollInterval: options.pollIntervalMs,
    // The host process (Next.js, or the worker CLI) owns signal handling and shutdown.
    noHandleSignals: true,
    // On PGlite every pool connection shares one PostgreSQL session: names would collide.
    noPreparedStatements: true,
    taskList: {
      [MEMBER_TIMEOUT_TASK]: memberTimeoutTask(db, log),
      [MAINTENANCE_TASK]: maintenanceTask(db.prisma, {
        attemptRetentionMs: options.attemptRetentionMs,
        log,
      }),
    },
    // Given in code, so graphile-worker does not look for a crontab file in the working directory.
    parsedCronItems: parsedMaintenanceCron(),
    logger: quietJobQueueLogger,
  }).catch((error: unknown) => {
    log.error({ err: describeError(error) }, "the job queue runner did not start");
    throw error;
  });
}
