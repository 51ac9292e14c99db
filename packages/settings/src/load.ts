import type * as z from "zod";
import {
  ENV_SCHEMA,
  type LogLevel,
  type ParsedEnv,
  type RateLimitStoreKind,
  type TrustProxy,
  VARIABLE_NAMES,
  type VariableName,
  variableMeta,
} from "./variables";

// The settings as the processes use them: grouped by concern, in the units the code works in.
// A process loads them once at start (loadSettings) and hands each part to what it creates;
// code bundled by Next.js, which the entry cannot hand anything, calls currentSettings().

/** An environment: process.env, or a plain object (tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The HTTP server (the entry that `pnpm start` and `pnpm dev` run). */
export interface ServerSettings {
  /** NODE_ENV as set (trimmed), or undefined. */
  readonly nodeEnv: string | undefined;
  /** NODE_ENV=development: `pnpm dev`. */
  readonly development: boolean;
  /** NODE_ENV=production (the entry sets it whenever it is not development). */
  readonly production: boolean;
  readonly port: number;
  /** Interface to listen on; undefined: all of them. */
  readonly host: string | undefined;
  /** The request line and headers must arrive within this (slowloris). */
  readonly headersTimeoutMs: number;
  /** The whole request (headers and body) must arrive within this. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** Connections open at once; further ones are closed as they arrive. */
  readonly maxConnections: number;
  /** How long a shutdown waits for requests in flight before closing their connections. */
  readonly shutdownTimeoutMs: number;
}

export interface ProxySettings {
  /** Which peers may speak for the client through X-Forwarded-* (TRUST_PROXY). */
  readonly trust: TrustProxy;
}

/** The per-app token bucket of the signed REST API (shared as LimitSettings say). */
export interface RateLimit {
  /** Sustained requests per second an app may send (tokens added per second). */
  readonly perSecond: number;
  /** Requests an app may send at once after being idle (the bucket's size). */
  readonly burst: number;
}

export interface RestSettings {
  /** Public gateway prefix the REST routes are also served under (default "/leliaRTC"). */
  readonly capabilityPrefix: string;
  /** Allowed clock skew of X-HIAR-OPENAPI-DATE, both ways. */
  readonly dateWindowSeconds: number;
  /** Null when HIAR_RATE_LIMIT_PER_SECOND or HIAR_RATE_LIMIT_BURST is 0 (no limit). */
  readonly rateLimit: RateLimit | null;
}

export interface ConsoleSettings {
  /** The key that signs console session cookies (CONSOLE_SESSION_SECRET), or null: unset. */
  readonly sessionSecret: string | null;
  /** Failed sign-ins per APPID (and per client) within a window; maxFailures 0: off. */
  readonly signInThrottle: { readonly maxFailures: number; readonly windowSeconds: number };
}

/**
 * Where the REST rate limit and the console sign-in throttle keep their counts: in this process
 * (`memory`), or shared by every instance in PostgreSQL or Redis.
 */
export interface LimitSettings {
  readonly store: RateLimitStoreKind;
  /** The Redis server and key prefix (REDIS_URL, REDIS_KEY_PREFIX); null unless the store is redis. */
  readonly redis: { readonly url: string; readonly keyPrefix: string } | null;
}

export interface CallSettings {
  /** The deployment's calling timeout, unless a collaboration sets its own. */
  readonly callingTimeoutSeconds: number;
  /** Busy detection for collaborations that set none (HIAR_BUSY_DETECTION). */
  readonly busyDetection: boolean;
}

export interface WebhookDeliverySettings {
  readonly timeoutMs: number;
  readonly maxAgeMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly maxConcurrentPerApp: number;
  readonly attemptRetentionMs: number;
  readonly allowPrivateNetworks: boolean;
}

/** The worker's deployment settings (its other knobs are set in code: @collab/worker). */
export interface WorkerDeploymentSettings {
  /** The web server runs a worker (WORKER_IN_SERVER); false: `pnpm worker` processes do. */
  readonly inServer: boolean;
  readonly pollIntervalMs: number;
  readonly sweepIntervalMs: number;
  readonly webhooks: WebhookDeliverySettings;
}

/** What createDb (@collab/db) takes: PostgreSQL when `databaseUrl` is set, else PGlite. */
export interface DatabaseSettings {
  readonly databaseUrl: string | undefined;
  /** The embedded database's directory (absolute); undefined: `<repo root>/.data/pglite`. */
  readonly dataDir: string | undefined;
  /** PostgreSQL: longest wait for a connection from the pool (DATABASE_CONNECT_TIMEOUT_SECONDS). */
  readonly connectTimeoutMs: number;
  /** PostgreSQL: longest wait for a statement's answer (DATABASE_QUERY_TIMEOUT_SECONDS). */
  readonly queryTimeoutMs: number;
  /** PostgreSQL: a pooled connection's longest life, 0 = none (DATABASE_CONNECTION_LIFETIME_SECONDS). */
  readonly connectionLifetimeSeconds: number;
  /** How app secrets are stored at rest (APP_SECRET_ENCRYPTION_KEY, …_PREVIOUS_KEYS). */
  readonly appSecretKeys: AppSecretKeys;
}

/** How app secrets are rotated (the console and `pnpm app:rotate-secret`). */
export interface AppSecretSettings {
  /** Default overlap of a rotation, in ms (APP_SECRET_ROTATION_OVERLAP_HOURS). */
  readonly rotationOverlapMs: number;
}

/** The keys app secrets are stored under (createDb applies them to the process). */
export interface AppSecretKeys {
  /** AES-256 key (base64) secrets are stored under (APP_SECRET_ENCRYPTION_KEY); null: as issued. */
  readonly current: string | null;
  /** Earlier keys (base64), for reading only (APP_SECRET_ENCRYPTION_PREVIOUS_KEYS). */
  readonly previous: readonly string[];
}

export interface MetricsSettings {
  /** Bearer token for GET /metrics (METRICS_TOKEN); null: not served on the server's port. */
  readonly token: string | null;
  /** A port of their own for the metrics (METRICS_PORT), or null. */
  readonly port: number | null;
}

export interface TracingSettings {
  /** OTLP/HTTP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); null: tracing off. */
  readonly endpoint: string | null;
  /** OTEL_SERVICE_NAME, or null for the process's own default. */
  readonly serviceName: string | null;
}

export interface LoggingSettings {
  readonly level: LogLevel;
}

export interface Settings {
  readonly server: ServerSettings;
  readonly proxy: ProxySettings;
  readonly rest: RestSettings;
  readonly console: ConsoleSettings;
  readonly appSecrets: AppSecretSettings;
  readonly limits: LimitSettings;
  readonly calls: CallSettings;
  readonly worker: WorkerDeploymentSettings;
  readonly database: DatabaseSettings;
  readonly logging: LoggingSettings;
  readonly metrics: MetricsSettings;
  readonly tracing: TracingSettings;
}

/** Malformed settings: one line per offending variable, naming it and what it must be. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";

  constructor(readonly problems: readonly string[]) {
    super(`Malformed settings:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

function describeProblems(issues: readonly z.core.$ZodIssue[], env: Env): string[] {
  const firstByName = new Map<string, z.core.$ZodIssue>();
  for (const issue of issues) {
    const name = String(issue.path[0] ?? "");
    if (!firstByName.has(name)) firstByName.set(name, issue);
  }
  const order = (name: string) => {
    const at = VARIABLE_NAMES.indexOf(name as VariableName);
    return at === -1 ? VARIABLE_NAMES.length : at;
  };
  return [...firstByName.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([name, issue]) => {
      if (!(VARIABLE_NAMES as readonly string[]).includes(name)) return issue.message;
      const meta = variableMeta(name as VariableName);
      // A variable's own refusal says why; zod's checks (type, range, format) state the rule.
      const must = issue.code === "custom" ? issue.message : `must be ${meta.rule}`;
      // Never echo a value that may hold a password or a key.
      return meta.secret ? `${name} ${must}` : `${name} ${must}, got ${JSON.stringify(env[name])}`;
    });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function limitSettings(env: ParsedEnv): LimitSettings {
  const store: RateLimitStoreKind =
    env.RATE_LIMIT_STORE ??
    (env.REDIS_URL !== undefined
      ? "redis"
      : env.DATABASE_URL !== undefined
        ? "postgres"
        : "memory");
  return {
    store,
    redis:
      store === "redis" && env.REDIS_URL !== undefined
        ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX }
        : null,
  };
}

function toSettings(env: ParsedEnv): Settings {
  const ms = (seconds: number) => Math.round(seconds * 1000);
  return deepFreeze({
    server: {
      nodeEnv: env.NODE_ENV,
      development: env.NODE_ENV === "development",
      production: env.NODE_ENV === "production",
      port: env.PORT,
      host: env.HOST,
      headersTimeoutMs: ms(env.HTTP_HEADERS_TIMEOUT_SECONDS),
      requestTimeoutMs: ms(env.HTTP_REQUEST_TIMEOUT_SECONDS),
      keepAliveTimeoutMs: ms(env.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS),
      maxConnections: env.HTTP_MAX_CONNECTIONS,
      shutdownTimeoutMs: ms(env.SHUTDOWN_TIMEOUT_SECONDS),
    },
    proxy: { trust: env.TRUST_PROXY },
    rest: {
      capabilityPrefix: env.HIAR_CAPABILITY_PREFIX,
      dateWindowSeconds: env.HIAR_DATE_WINDOW_SECONDS,
      rateLimit:
        env.HIAR_RATE_LIMIT_PER_SECOND === 0 || env.HIAR_RATE_LIMIT_BURST === 0
          ? null
          : { perSecond: env.HIAR_RATE_LIMIT_PER_SECOND, burst: env.HIAR_RATE_LIMIT_BURST },
    },
    console: {
      sessionSecret: env.CONSOLE_SESSION_SECRET ?? null,
      signInThrottle: {
        maxFailures: env.CONSOLE_SIGN_IN_MAX_FAILURES,
        windowSeconds: env.CONSOLE_SIGN_IN_WINDOW_SECONDS,
      },
    },
    appSecrets: {
      rotationOverlapMs: Math.round(env.APP_SECRET_ROTATION_OVERLAP_HOURS * 3_600_000),
    },
    limits: limitSettings(env),
    calls: {
      callingTimeoutSeconds: env.HIAR_CALLING_TIMEOUT_SECONDS,
      busyDetection: env.HIAR_BUSY_DETECTION,
    },
    worker: {
      inServer: env.WORKER_IN_SERVER,
      pollIntervalMs: Math.round(env.WORKER_POLL_INTERVAL_MS),
      sweepIntervalMs: Math.round(env.WORKER_SWEEP_INTERVAL_MS),
      webhooks: {
        timeoutMs: ms(env.WEBHOOK_TIMEOUT_SECONDS),
        maxAgeMs: Math.round(env.WEBHOOK_MAX_AGE_HOURS * 3_600_000),
        backoffBaseMs: ms(env.WEBHOOK_BACKOFF_BASE_SECONDS),
        backoffMaxMs: ms(env.WEBHOOK_BACKOFF_MAX_SECONDS),
        maxConcurrentPerApp: env.WEBHOOK_MAX_CONCURRENT_PER_APP,
        attemptRetentionMs: Math.round(env.WEBHOOK_ATTEMPT_RETENTION_DAYS * 86_400_000),
        allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      },
    },
    database: {
      databaseUrl: env.DATABASE_URL,
      dataDir: env.PGLITE_DATA_DIR,
      connectTimeoutMs: Math.round(env.DATABASE_CONNECT_TIMEOUT_SECONDS * 1_000),
      queryTimeoutMs: Math.round(env.DATABASE_QUERY_TIMEOUT_SECONDS * 1_000),
      connectionLifetimeSeconds: env.DATABASE_CONNECTION_LIFETIME_SECONDS,
      appSecretKeys: {
        current: env.APP_SECRET_ENCRYPTION_KEY ?? null,
        previous: env.APP_SECRET_ENCRYPTION_PREVIOUS_KEYS,
      },
    },
    logging: { level: env.LOG_LEVEL ?? (env.NODE_ENV === "test" ? "silent" : "info") },
    metrics: { token: env.METRICS_TOKEN ?? null, port: env.METRICS_PORT ?? null },
    tracing: {
      endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
      serviceName: env.OTEL_SERVICE_NAME ?? null,
    },
  });
}

/**
 * Every deployment setting, parsed from `env` (the process's environment unless told): read it
 * once when a process starts and pass what each part needs. Throws a SettingsError naming every
 * malformed variable and what it must be (values that may hold a secret are never echoed).
 */
export function loadSettings(env: Env = process.env): Settings {
  const result = ENV_SCHEMA.safeParse(env);
  if (!result.success) throw new SettingsError(describeProblems(result.error.issues, env));
  return toSettings(result.data);
}

/** Every setting's default: the settings of an empty environment. */
export const DEFAULT_SETTINGS: Settings = loadSettings({});

let current: Settings | undefined;

/**
 * This process's settings, parsed on first use and kept: for code the entry cannot hand them to
 * (modules Next.js bundles: the tRPC route, console pages). Under Next.js each bundle may parse
 * once; the values are the same, and the entry has already refused malformed ones.
 */
export function currentSettings(): Settings {
  current ??= loadSettings();
  return current;
}

/**
 * The server entry's mode, from NODE_ENV: `development` under `pnpm dev`; anything else is
 * production, and NODE_ENV is set to "production" in the process's environment, because Next.js
 * and React read it from there themselves as they load. Call it before loading anything else.
 */
export function settleNodeEnv(env: NodeJS.ProcessEnv = process.env): "development" | "production" {
  if (env.NODE_ENV?.trim() === "development") return "development";
  // (Next.js's types declare NODE_ENV read-only.)
  Object.assign(env, { NODE_ENV: "production" });
  return "production";
}
