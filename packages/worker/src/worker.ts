import type { Db } from "@collab/db";
import { callingTimeoutSeconds } from "@collab/domain";
import type { Runner } from "graphile-worker";
import { startJobRunner } from "./job-runner";
import { silentWorkerLog, type WorkerLog } from "./log";
import { resolveWorkerSettings, type WorkerSettingsInput } from "./settings";
import { startWebhookDispatcher, type WebhookDispatcher } from "./webhooks/dispatcher";

export interface Worker {
  /** Stops polling, lets running jobs and deliveries finish, and releases their locks. */
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  /** The database (its URL is also handed to graphile-worker's own pool). */
  readonly db: Db;
  readonly settings?: WorkerSettingsInput;
  readonly log?: WorkerLog;
}

/**
 * Starts the background work of one process: the job runner (graphile-worker: calling timeouts and
 * the maintenance cron) and the webhook outbox dispatcher. Any number of processes may run it against one database (on
 * PostgreSQL); on the embedded PGlite the single server process runs it (`pnpm dev`).
 */
export async function startWorker(options: StartWorkerOptions): Promise<Worker> {
  const settings = resolveWorkerSettings(options.settings);
  const log = options.log ?? silentWorkerLog;
  // Fail at start on a malformed HIAR_CALLING_TIMEOUT_SECONDS, not at the first invite.
  callingTimeoutSeconds();
  const runner: Runner = await startJobRunner({
    db: options.db,
    pollIntervalMs: settings.pollIntervalMs,
    concurrency: settings.jobConcurrency,
    attemptRetentionMs: settings.webhooks.attemptRetentionMs,
    log,
  });
  let dispatcher: WebhookDispatcher;
  try {
    dispatcher = startWebhookDispatcher({
      db: options.db.prisma,
      settings: settings.webhooks,
      pollIntervalMs: settings.pollIntervalMs,
      log,
    });
  } catch (error) {
    await runner.stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        await Promise.allSettled([dispatcher.stop(), runner.stop()]);
      })();
      return stopped;
    },
  };
}
