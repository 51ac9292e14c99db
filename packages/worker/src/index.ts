// @collab/worker: the background work on the database — durable calling timeouts (graphile-worker
// jobs) and the webhook outbox — run inside the Next.js server (instrumentation) or standalone
// (`pnpm worker`).

export { type JobRunnerOptions, startJobRunner } from "./job-runner";
export { consoleWorkerLog, silentWorkerLog, type WorkerLog } from "./log";
export {
  MAINTENANCE_CRON,
  MAINTENANCE_TASK,
  type MaintenanceResult,
  runMaintenance,
} from "./maintenance";
export {
  DEFAULT_WORKER_SETTINGS,
  resolveWorkerSettings,
  type WebhookSettings,
  type WorkerSettings,
  type WorkerSettingsInput,
  workerSettingsFromEnv,
} from "./settings";
export { retryDelayMs } from "./webhooks/backoff";
export { type DeliveryResult, postWebhook, webhookEventBody } from "./webhooks/deliver";
export { startWebhookDispatcher, type WebhookDispatcher } from "./webhooks/dispatcher";
export { type StartWorkerOptions, startWorker, type Worker } from "./worker";
