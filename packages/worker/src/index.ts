// @collab/worker: the background work on the database — durable calling timeouts (graphile-worker
// jobs) and the webhook outbox — run inside the Next.js server (instrumentation) or standalone
// (`pnpm worker`).

export { consoleWorkerLog, silentWorkerLog, type WorkerLog } from "./log";
export {
  DEFAULT_WORKER_SETTINGS,
  resolveWorkerSettings,
  type WebhookSettings,
  type WorkerSettings,
  type WorkerSettingsInput,
  workerSettingsFromEnv,
} from "./settings";
export { startTimeoutRunner } from "./timeouts";
export { retryDelayMs } from "./webhooks/backoff";
export { type DeliveryResult, postWebhook, webhookEventBody } from "./webhooks/deliver";
export { startWebhookDispatcher, type WebhookDispatcher } from "./webhooks/dispatcher";
export { type StartWorkerOptions, startWorker, type Worker } from "./worker";
