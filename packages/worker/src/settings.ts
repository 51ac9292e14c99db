// The worker's knobs. The deployment sets some (WORKER_*, WEBHOOK_*: @collab/settings parses them
// at start, and their defaults are those); the rest are set in code (tests) with defaults here.
import { DEFAULT_SETTINGS } from "@collab/settings";

export interface WebhookSettings {
  /** Per-attempt timeout: a receiver that has not answered by then is retried (default 5 s). */
  readonly timeoutMs: number;
  /** Retry window: an event still failing this long after it happened is abandoned (24 h). */
  readonly maxAgeMs: number;
  /** First retry delay; doubles per failed attempt (default 5 s). */
  readonly backoffBaseMs: number;
  /** Longest retry delay (default 1 h). */
  readonly backoffMaxMs: number;
  /** Streams (sessions) delivered at once by one worker. */
  readonly concurrency: number;
  /**
   * Streams of one app being delivered at once, over every worker (default 4): an app whose
   * receiver is slow or dead holds at most this many delivery slots.
   */
  readonly maxConcurrentPerApp: number;
  /** Events delivered per claim of a stream before it is released. */
  readonly batchSize: number;
  /**
   * How long a claimed stream stays leased to its worker; another worker may take it over after
   * that (a worker that died or lost its database mid-delivery). Default: long enough for a whole
   * batch of timed-out attempts, `batchSize × (timeoutMs + 1 s) + 30 s`.
   */
  readonly leaseMs?: number;
  /** How long delivery attempts stay in the log (the console's delivery list); default 30 days. */
  readonly attemptRetentionMs: number;
  /**
   * Let webhooks reach private networks (loopback, RFC 1918, link-local, unique-local, …): for
   * development and tests only. Default false: a POST connects only to public unicast addresses.
   */
  readonly allowPrivateNetworks: boolean;
}

export interface WorkerSettings {
  /** How often an idle worker looks for due webhook deliveries (default 1 s). */
  readonly pollIntervalMs: number;
  /**
   * The ring clock's longest sleep (default 250 ms): it sleeps until the next calling deadline,
   * but never longer, so a ring made meanwhile (with an earlier deadline) is late by at most this.
   */
  readonly sweepIntervalMs: number;
  /** Due rings one sweep statement takes at most (default 500); a full batch sweeps again at once. */
  readonly sweepBatchSize: number;
  /** How often one worker (across every process) runs the maintenance pass (default 10 min). */
  readonly maintenanceIntervalMs: number;
  /** First delay before a loop retries after an error (database down); doubles per failure. */
  readonly retryBaseMs: number;
  /** Longest such delay (default 2 s): how late a worker notices the database is back. */
  readonly retryMaxMs: number;
  readonly webhooks: WebhookSettings;
}

const { inServer: _inServer, ...deployment } = DEFAULT_SETTINGS.worker;

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = Object.freeze({
  ...deployment,
  sweepBatchSize: 500,
  maintenanceIntervalMs: 600_000,
  retryBaseMs: 100,
  retryMaxMs: 2_000,
  webhooks: Object.freeze({ ...deployment.webhooks, concurrency: 8, batchSize: 20 }),
});

export type WorkerSettingsInput = Partial<Omit<WorkerSettings, "webhooks">> & {
  readonly webhooks?: Partial<WebhookSettings>;
};

/** The lease of a claimed webhook stream (WebhookSettings.leaseMs, or its default). */
export function webhookLeaseMs(settings: WebhookSettings): number {
  return settings.leaseMs ?? settings.batchSize * (settings.timeoutMs + 1_000) + 30_000;
}

const POSITIVE_INTEGERS = [
  "sweepBatchSize",
  "webhooks.concurrency",
  "webhooks.maxConcurrentPerApp",
  "webhooks.batchSize",
] as const;

/**
 * Defaults filled in; throws a RangeError naming the setting when a value is not usable (not a
 * positive number, or not an integer where one is needed), so a worker fails at start instead of
 * spinning or stalling later.
 */
export function resolveWorkerSettings(input: WorkerSettingsInput = {}): WorkerSettings {
  const settings: WorkerSettings = {
    ...DEFAULT_WORKER_SETTINGS,
    ...input,
    webhooks: { ...DEFAULT_WORKER_SETTINGS.webhooks, ...input.webhooks },
  };
  const numbers: Record<string, unknown> = {
    pollIntervalMs: settings.pollIntervalMs,
    sweepIntervalMs: settings.sweepIntervalMs,
    sweepBatchSize: settings.sweepBatchSize,
    maintenanceIntervalMs: settings.maintenanceIntervalMs,
    retryBaseMs: settings.retryBaseMs,
    retryMaxMs: settings.retryMaxMs,
    ...Object.fromEntries(
      Object.entries(settings.webhooks)
        .filter(([key]) => key !== "allowPrivateNetworks")
        .map(([key, value]) => [`webhooks.${key}`, value]),
    ),
  };
  for (const [name, value] of Object.entries(numbers)) {
    if (value === undefined && name === "webhooks.leaseMs") continue;
    const integer = (POSITIVE_INTEGERS as readonly string[]).includes(name);
    if (
      typeof value !== "number" ||
      !Number.isFinite(value) ||
      value <= 0 ||
      (integer && !Number.isInteger(value))
    ) {
      throw new RangeError(
        `worker setting ${name} must be a positive ${integer ? "integer" : "number"}, got ${String(value)}`,
      );
    }
  }
  return settings;
}
