// @collab/worker: the background work on the database — the ring clock (calling timeouts), the
// webhook outbox and maintenance — run inside the web server (its entry) or standalone
// (`pnpm worker`).

export { consoleWorkerLog, describeError, silentWorkerLog, type WorkerLog } from "./log";
export { type Loop, type LoopReport, loopRetryDelayMs, startLoop } from "./loop";
export {
  MAINTENANCE_TASK,
  type MaintenanceResult,
  maintenanceCheckMs,
  runMaintenance,
  startMaintenance,
} from "./maintenance";
export { RING_CLOCK, type RingClockOptions, startRingClock } from "./ring-clock";
export {
  DEFAULT_WORKER_SETTINGS,
  resolveWorkerSettings,
  type WebhookSettings,
  type WorkerSettings,
  type WorkerSettingsInput,
  webhookLeaseMs,
} from "./settings";
export { retryDelayMs } from "./webhooks/backoff";
export { type DeliveryResult, postWebhook, webhookEventBody } from "./webhooks/deliver";
export {
  startWebhookDispatcher,
  WEBHOOK_OUTBOX,
  type WebhookDispatcher,
} from "./webhooks/dispatcher";
export {
  type StartWorkerOptions,
  startWorker,
  type Worker,
  type WorkerState,
} from "./worker";
