// The worker's knobs, from the environment (README "Environment"), with defaults for production.
import { privateNetworksAllowed } from "@collab/db";

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
  /** Events delivered per claim of a stream before it is released. */
  readonly batchSize: number;
  /** How long delivery attempts stay in the log (the console's delivery list); default 30 days. */
  readonly attemptRetentionMs: number;
  /**
   * Let webhooks reach private networks (loopback, RFC 1918, link-local, unique-local, …): for
   * development and tests only. Default false: a POST connects only to public unicast addresses.
   */
  readonly allowPrivateNetworks: boolean;
}

export interface WorkerSettings {
  /** How often the job queue and the outbox are polled when idle (default 1 s). */
  readonly pollIntervalMs: number;
  /** Timeout jobs run at once by one worker. */
  readonly jobConcurrency: number;
  readonly webhooks: WebhookSettings;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = Object.freeze({
  pollIntervalMs: 1_000,
  jobConcurrency: 4,
  webhooks: Object.freeze({
    timeoutMs: 5_000,
    maxAgeMs: 24 * 3_600_000,
    backoffBaseMs: 5_000,
    backoffMaxMs: 3_600_000,
    concurrency: 8,
    batchSize: 20,
    attemptRetentionMs: 30 * 86_400_000,
    allowPrivateNetworks: false,
  }),
});

export type WorkerSettingsInput = Partial<Omit<WorkerSettings, "webhooks">> & {
  readonly webhooks?: Partial<WebhookSettings>;
};

export function resolveWorkerSettings(input: WorkerSettingsInput = {}): WorkerSettings {
  return {
    ...DEFAULT_WORKER_SETTINGS,
    ...input,
    webhooks: { ...DEFAULT_WORKER_SETTINGS.webhooks, ...input.webhooks },
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, scale: number): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return Math.round(value * scale);
}

/**
 * WORKER_POLL_INTERVAL_MS, WEBHOOK_TIMEOUT_SECONDS, WEBHOOK_MAX_AGE_HOURS,
 * WEBHOOK_BACKOFF_BASE_SECONDS, WEBHOOK_BACKOFF_MAX_SECONDS, WEBHOOK_ATTEMPT_RETENTION_DAYS,
 * WEBHOOK_ALLOW_PRIVATE_NETWORKS (1 or 0); absent ones keep their default.
 * Throws on a malformed value (fail at start, not at the first delivery).
 */
export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return resolveWorkerSettings({
    ...defined({ pollIntervalMs: positive(env, "WORKER_POLL_INTERVAL_MS", 1) }),
    webhooks: defined({
      timeoutMs: positive(env, "WEBHOOK_TIMEOUT_SECONDS", 1_000),
      maxAgeMs: positive(env, "WEBHOOK_MAX_AGE_HOURS", 3_600_000),
      backoffBaseMs: positive(env, "WEBHOOK_BACKOFF_BASE_SECONDS", 1_000),
      backoffMaxMs: positive(env, "WEBHOOK_BACKOFF_MAX_SECONDS", 1_000),
      attemptRetentionMs: positive(env, "WEBHOOK_ATTEMPT_RETENTION_DAYS", 86_400_000),
      allowPrivateNetworks: privateNetworksAllowed(env),
    }),
  });
}
