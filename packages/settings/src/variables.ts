import { isIP } from "node:net";
import { resolve } from "node:path";
import { MAX_CALLING_TIMEOUT_SECONDS } from "@collab/contracts";
import { DEFAULT_CAPABILITY_PREFIX, DEFAULT_WINDOW_SECONDS } from "@collab/hiar-auth";
import proxyaddr from "proxy-addr";
import * as z from "zod";

// Every deployment setting of the project: one environment variable each, with its group, type,
// range, default and a one-line description, in one zod schema (ENV_SCHEMA). The README's tables
// are generated from it (`pnpm --filter @collab/settings readme`); load.ts turns a parse into the
// grouped, typed settings the processes pass to what they create.

/** The concerns settings are grouped by, in the README's order, with each group's heading. */
export const GROUPS = {
  server: "HTTP server",
  proxy: "Behind a proxy",
  rest: "REST API: authentication and rate limit",
  console: "Console",
  appSecrets: "App secrets",
  limits: "Rate limits across instances",
  calls: "Calls",
  worker: "Worker and webhooks",
  database: "Database",
  logging: "Logging",
  metrics: "Metrics and traces",
} as const;

export type Group = keyof typeof GROUPS;

export interface VariableMeta {
  readonly group: Group;
  /** The default, as the README writes it. */
  readonly default: string;
  /** What a value must be: completes "NAME must be …" in errors, and the README's column. */
  readonly rule: string;
  /** One line: what the setting does. */
  readonly description: string;
  /** The value may hold a password or a key: errors never echo it. */
  readonly secret?: boolean;
}

/** The metadata of each variable's schema (ENV_SCHEMA.shape[NAME]). */
export const VARIABLES = z.registry<VariableMeta>();

/** A variable's own refusal (a zod custom issue): "NAME" + message, instead of the rule. */
function refuse(ctx: z.RefinementCtx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
}

/** Unset and blank mean the same, "the default"; values are trimmed. */
const text = z
  .string()
  .optional()
  .transform((raw) => {
    const trimmed = raw?.trim();
    return trimmed === "" ? undefined : trimmed;
  });

function variable<T, F extends T | undefined>(
  meta: VariableMeta,
  value: z.ZodType<T, string>,
  fallback: F,
) {
  return text
    .pipe(value.optional())
    .transform((parsed): T | F => (parsed === undefined ? fallback : parsed))
    .register(VARIABLES, meta);
}

/**
 * Whole numbers by refinement rather than zod's `.int()`, whose issue stops the parse: the
 * schema's cross-variable rule must still run, so that every problem is reported at once.
 */
function whole(rule: string) {
  return z.coerce.number<string>().refine(Number.isInteger, { message: `must be ${rule}` });
}

function integer(min: number, max: number) {
  const rule = `an integer from ${min} to ${max}`;
  return { rule, value: whole(rule).min(min).max(max) };
}

function decimal(min: number, max: number) {
  return {
    rule: `a number from ${min} to ${max}`,
    value: z.coerce.number<string>().min(min).max(max),
  };
}

function positive(kind: "number" | "integer") {
  const rule = `a positive ${kind}`;
  return {
    rule,
    value: (kind === "integer" ? whole(rule) : z.coerce.number<string>()).positive(),
  };
}

/** `1` or `0` (also `true` / `false`, any case). */
const flag = {
  rule: "1 or 0",
  value: z
    .string()
    .toLowerCase()
    .pipe(z.enum(["1", "true", "0", "false"]))
    .transform((v) => v === "1" || v === "true"),
};

function setting<T, F extends T | undefined>(
  group: Group,
  kind: { readonly rule: string; readonly value: z.ZodType<T, string> },
  fallback: F,
  meta: { default: string; description: string; secret?: boolean },
) {
  return variable({ group, rule: kind.rule, ...meta }, kind.value, fallback);
}

/**
 * Which peers may speak for the client through X-Forwarded-For/-Proto/-Host (TRUST_PROXY):
 * nobody (no proxy: the socket's peer is the client), the nearest `hops` peers whatever their
 * address, or the peers whose address is in `ranges` (IPs, CIDRs, `loopback`, `linklocal`,
 * `uniquelocal`, as proxy-addr compiles them).
 */
export type TrustProxy =
  | { readonly kind: "none" }
  | { readonly kind: "hops"; readonly hops: number }
  | { readonly kind: "ranges"; readonly ranges: readonly string[] };

/** Most proxies a hop count may name; a longer chain is a mistake (or should list addresses). */
export const MAX_TRUSTED_HOPS = 10;

const NO_PROXY: TrustProxy = Object.freeze({ kind: "none" });

const trustProxy = z.string().transform((raw, ctx): TrustProxy => {
  const lower = raw.toLowerCase();
  if (raw === "0" || lower === "false") return NO_PROXY;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > MAX_TRUSTED_HOPS) {
      return refuse(ctx, `must be a hop count from 0 to ${MAX_TRUSTED_HOPS}`);
    }
    return { kind: "hops", hops };
  }
  if (lower === "true") {
    return refuse(
      ctx,
      'must not be true: that would let any client name its own address; give the number of proxies in front of the server (e.g. "1") or their addresses (e.g. "loopback,10.0.0.0/8")',
    );
  }
  const ranges = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  try {
    proxyaddr.compile(ranges);
  } catch (error) {
    return refuse(
      ctx,
      `must be a hop count or a comma-separated list of IP addresses, CIDR ranges, loopback, linklocal or uniquelocal (${(error as Error).message})`,
    );
  }
  return { kind: "ranges", ranges };
});

/** A leading slash added, trailing ones dropped; whole path segments only (the verifier's rule). */
const capabilityPrefix = z
  .string()
  .transform((raw) => (raw.startsWith("/") ? raw : `/${raw}`).replace(/\/+$/, ""))
  .pipe(z.string().regex(/^(?:\/[A-Za-z0-9._~-]+)+$/));

const databaseUrl = z.string().transform((raw, ctx) => {
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    return refuse(ctx, "must be a postgres:// or postgresql:// URL (it does not parse)");
  }
  if (protocol !== "postgres:" && protocol !== "postgresql:") {
    return refuse(ctx, `must be a postgres:// or postgresql:// URL, not ${protocol}//…`);
  }
  return raw;
});

const redisUrl = z.string().transform((raw, ctx) => {
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    return refuse(ctx, "must be a redis:// or rediss:// URL (it does not parse)");
  }
  if (protocol !== "redis:" && protocol !== "rediss:") {
    return refuse(ctx, `must be a redis:// or rediss:// URL, not ${protocol}//…`);
  }
  return raw;
});

/** Where the REST rate limit and the console sign-in throttle keep their counts. */
export const RATE_LIMIT_STORES = ["memory", "postgres", "redis"] as const;
export type RateLimitStoreKind = (typeof RATE_LIMIT_STORES)[number];

/** Shortest bearer token accepted for GET /metrics (METRICS_TOKEN). */
export const MIN_METRICS_TOKEN_LENGTH = 16;

/** Shortest console cookie-signing key accepted (CONSOLE_SESSION_SECRET). */
export const MIN_SESSION_KEY_LENGTH = 32;

/** A 32-byte AES-256 key written in standard base64 (e.g. `openssl rand -base64 32`). */
const base64Key = z
  .string()
  .refine((raw) => /^[A-Za-z0-9+/]{43}=$/.test(raw) && Buffer.from(raw, "base64").length === 32, {
    message: "must be 32 bytes in base64 (`openssl rand -base64 32`)",
  });

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The deployment's calling timeout when HIAR_CALLING_TIMEOUT_SECONDS is unset (docs/decisions.md). */
export const DEFAULT_CALLING_TIMEOUT_SECONDS = 60;

const shape = {
  // HTTP server (the entry: `pnpm start`, `pnpm dev`)
  NODE_ENV: setting("server", { rule: "any value", value: z.string() }, undefined, {
    default: "`production` (`development` under `pnpm dev`)",
    description:
      "`development`: Next.js compiles on demand, cookies lose `Secure`, the sign-in page offers the demo app; the server takes anything else as `production` (which also makes `pnpm db:seed` refuse)",
  }),
  PORT: setting("server", integer(0, 65_535), 3000, {
    default: "`3000`",
    description: "port to listen on",
  }),
  HOST: setting(
    "server",
    {
      rule: "an IP address or a host name",
      value: z.string().refine((v) => isIP(v) !== 0 || /^[A-Za-z0-9.-]{1,253}$/.test(v), {
        message: "must be an IP address or a host name",
      }),
    },
    undefined,
    { default: "all", description: "interface to listen on (e.g. `127.0.0.1`)" },
  ),
  HTTP_HEADERS_TIMEOUT_SECONDS: setting("server", decimal(1, 300), 10, {
    default: "`10`",
    description:
      "a request line and headers must arrive within this (slowloris), else 408 and close",
  }),
  HTTP_REQUEST_TIMEOUT_SECONDS: setting("server", decimal(1, 3_600), 30, {
    default: "`30`",
    description:
      "a whole request (headers and body) must arrive within this; at least `HTTP_HEADERS_TIMEOUT_SECONDS`",
  }),
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: setting("server", decimal(1, 600), 5, {
    default: "`5`",
    description:
      "an idle kept-alive connection is closed after this (set it above your load balancer's idle timeout)",
  }),
  HTTP_MAX_CONNECTIONS: setting("server", integer(1, 1_000_000), 1_024, {
    default: "`1024`",
    description: "connections open at once; further ones are closed as they arrive",
  }),
  SHUTDOWN_TIMEOUT_SECONDS: setting("server", decimal(0, 3_600), 10, {
    default: "`10`",
    description: "how long a shutdown waits for requests in flight",
  }),

  // Behind a proxy
  TRUST_PROXY: setting(
    "proxy",
    {
      rule: `\`0\`, a hop count up to ${MAX_TRUSTED_HOPS}, or addresses: IPs, CIDRs, \`loopback\`, \`linklocal\`, \`uniquelocal\`, comma-separated`,
      value: trustProxy,
    },
    NO_PROXY,
    {
      default: "none",
      description:
        "`0`/unset: no proxy; `1`–`10`: that many proxies in front, whatever their address; or their addresses",
    },
  ),

  // REST API: authentication and rate limit
  HIAR_CAPABILITY_PREFIX: setting(
    "rest",
    { rule: 'one or more path segments like "/leliaRTC"', value: capabilityPrefix },
    DEFAULT_CAPABILITY_PREFIX,
    {
      default: `\`${DEFAULT_CAPABILITY_PREFIX}\``,
      description:
        "the public gateway prefix the REST paths are also served (and signed) under, e.g. `/leliaRTC/session/invite`",
    },
  ),
  HIAR_DATE_WINDOW_SECONDS: setting(
    "rest",
    integer(1, Number.MAX_SAFE_INTEGER),
    DEFAULT_WINDOW_SECONDS,
    {
      default: `\`${DEFAULT_WINDOW_SECONDS}\``,
      description:
        "`X-HIAR-OPENAPI-DATE` must be within this of the server's clock, both ways (and a nonce is remembered that long)",
    },
  ),
  HIAR_RATE_LIMIT_PER_SECOND: setting("rest", decimal(0, 1_000_000), 100, {
    default: "`100`",
    description: "REST requests per second per app, sustained (fractions allowed); `0`: off",
  }),
  HIAR_RATE_LIMIT_BURST: setting("rest", integer(0, 1_000_000), 200, {
    default: "`200`",
    description: "REST requests an idle app may send at once (bucket size); `0`: off",
  }),

  // Console
  CONSOLE_SESSION_SECRET: setting(
    "console",
    {
      rule: `at least ${MIN_SESSION_KEY_LENGTH} characters (e.g. \`openssl rand -base64 48\`)`,
      value: z.string().min(MIN_SESSION_KEY_LENGTH),
    },
    undefined,
    {
      default: "none (outside production: random per process)",
      description:
        "signs the console's session cookies, the same on every instance; required in production, where without it console sign-in is disabled",
      secret: true,
    },
  ),
  CONSOLE_SIGN_IN_MAX_FAILURES: setting("console", integer(0, 1_000), 5, {
    default: "`5`",
    description: "failed console sign-ins per APPID within the window; `0`: no throttle",
  }),
  CONSOLE_SIGN_IN_WINDOW_SECONDS: setting("console", integer(1, 86_400), 300, {
    default: "`300`",
    description: "the sign-in throttle's window",
  }),

  // App secrets
  APP_SECRET_ROTATION_OVERLAP_HOURS: setting("appSecrets", decimal(0, 720), 24, {
    default: "`24`",
    description:
      "after `pnpm app:rotate-secret` (or the console's rotation), how long the previous secret stays valid beside the new one unless told (`--overlap`)",
  }),
  APP_SECRET_ENCRYPTION_KEY: setting(
    "appSecrets",
    { rule: "32 bytes in base64 (`openssl rand -base64 32`)", value: base64Key },
    undefined,
    {
      default: "none (secrets stored as issued)",
      description:
        "encrypts app secrets at rest (AES-256-GCM); new and rotated secrets are stored under it, `pnpm app:reencrypt` rewrites the rest",
      secret: true,
    },
  ),
  APP_SECRET_ENCRYPTION_PREVIOUS_KEYS: setting(
    "appSecrets",
    {
      rule: "comma-separated keys of 32 bytes in base64",
      value: z
        .string()
        .transform((raw) =>
          raw
            .split(",")
            .map((key) => key.trim())
            .filter((key) => key !== ""),
        )
        .pipe(z.array(base64Key).max(16)),
    },
    [] as string[],
    {
      default: "none",
      description:
        "earlier APP_SECRET_ENCRYPTION_KEY values, only to read secrets stored under them until `pnpm app:reencrypt` has rewritten them",
      secret: true,
    },
  ),

  // Rate limits across instances
  RATE_LIMIT_STORE: setting(
    "limits",
    { rule: `one of ${RATE_LIMIT_STORES.join(", ")}`, value: z.enum(RATE_LIMIT_STORES) },
    undefined,
    {
      default:
        "`redis` when `REDIS_URL` is set, else `postgres` when `DATABASE_URL` is, else `memory`",
      description:
        "where the REST rate limit and the console sign-in throttle count: `memory` is per process (N instances allow N times the limit); `postgres` and `redis` are shared by every instance",
    },
  ),
  REDIS_URL: setting(
    "limits",
    { rule: "a redis:// or rediss:// URL", value: redisUrl },
    undefined,
    {
      default: "none",
      description: "the Redis server of `RATE_LIMIT_STORE=redis` (e.g. `redis://127.0.0.1:6379/0`)",
      secret: true,
    },
  ),
  REDIS_KEY_PREFIX: setting(
    "limits",
    { rule: "1 to 64 characters", value: z.string().min(1).max(64) },
    "collab:",
    {
      default: "`collab:`",
      description:
        "put before every Redis key this service writes (several deployments may share one Redis)",
    },
  ),

  // Calls: calling timeout, busy detection
  HIAR_CALLING_TIMEOUT_SECONDS: setting(
    "calls",
    {
      rule: `a number of seconds in (0, ${MAX_CALLING_TIMEOUT_SECONDS}]`,
      value: z.coerce.number<string>().positive().max(MAX_CALLING_TIMEOUT_SECONDS),
    },
    DEFAULT_CALLING_TIMEOUT_SECONDS,
    {
      default: `\`${DEFAULT_CALLING_TIMEOUT_SECONDS}\``,
      description:
        "calling timeout unless the collaboration sets its own (seconds, fractions allowed, at most a day)",
    },
  ),
  HIAR_BUSY_DETECTION: setting("calls", flag, false, {
    default: "off",
    description:
      "busy detection for collaborations that do not set `ruleSettings.busyDetection`: an invitee talking in another session of the app becomes `MEMBER_BUSY` instead of ringing",
  }),

  // Worker and webhooks
  WORKER_IN_SERVER: setting("worker", flag, true, {
    default: "on",
    description: "`0` keeps the worker out of the web server",
  }),
  WORKER_SWEEP_INTERVAL_MS: setting("worker", positive("number"), 250, {
    default: "`250`",
    description:
      "the ring clock's longest sleep between sweeps (how late a timeout may fire, plus the sweep)",
  }),
  WORKER_POLL_INTERVAL_MS: setting("worker", positive("number"), 1_000, {
    default: "`1000`",
    description: "how often idle workers look for due webhook deliveries",
  }),
  WEBHOOK_TIMEOUT_SECONDS: setting("worker", positive("number"), 5, {
    default: "`5`",
    description: "per-attempt timeout of a webhook POST",
  }),
  WEBHOOK_MAX_AGE_HOURS: setting("worker", positive("number"), 24, {
    default: "`24`",
    description: "retry window: an event still failing after it is abandoned",
  }),
  WEBHOOK_BACKOFF_BASE_SECONDS: setting("worker", positive("number"), 5, {
    default: "`5`",
    description: "first retry delay, doubled per failure (±20 % jitter)",
  }),
  WEBHOOK_BACKOFF_MAX_SECONDS: setting("worker", positive("number"), 3_600, {
    default: "`3600`",
    description: "longest retry delay",
  }),
  WEBHOOK_MAX_CONCURRENT_PER_APP: setting("worker", positive("integer"), 4, {
    default: "`4`",
    description: "webhook streams (sessions) of one app delivered at once, over all workers",
  }),
  WEBHOOK_ATTEMPT_RETENTION_DAYS: setting("worker", positive("number"), 30, {
    default: "`30`",
    description: "how long delivery attempts stay in the log",
  }),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: setting("worker", flag, false, {
    default: "`0` (`1` under `pnpm dev`)",
    description:
      "`1` lets webhooks reach private networks (loopback, RFC 1918, …): development and tests only",
  }),

  // Database
  DATABASE_URL: setting(
    "database",
    { rule: "a postgres:// or postgresql:// URL", value: databaseUrl },
    undefined,
    {
      default: "none: the embedded PGlite",
      description:
        "the PostgreSQL server to use (run `pnpm db:migrate` first); unset: the embedded database, migrated on start",
      secret: true,
    },
  ),
  PGLITE_DATA_DIR: setting(
    "database",
    { rule: "a directory", value: z.string().transform((dir) => resolve(dir)) },
    undefined,
    {
      default: "`<repo root>/.data/pglite`",
      description:
        "where the embedded database keeps its files (one process at a time); relative to the working directory",
    },
  ),

  DATABASE_CONNECT_TIMEOUT_SECONDS: setting("database", decimal(0.1, 300), 5, {
    default: "5",
    description:
      "PostgreSQL: longest wait for a connection (a new one, or a free one of the pool); past it the request answers 503 UNAVAILABLE",
  }),
  DATABASE_QUERY_TIMEOUT_SECONDS: setting("database", decimal(1, 3_600), 20, {
    default: "20",
    description:
      "PostgreSQL: longest wait for a statement's answer, so a hung (not stopped) server makes requests answer 503 rather than hang",
  }),
  DATABASE_CONNECTION_LIFETIME_SECONDS: setting("database", decimal(0, 86_400), 60, {
    default: "60",
    description:
      "PostgreSQL: a pooled connection is replaced once this old (when next idle), so that no connection keeps a stale plan cache; 0: never",
  }),

  // Logging
  LOG_LEVEL: setting(
    "logging",
    { rule: `one of ${LOG_LEVELS.join(", ")}`, value: z.enum(LOG_LEVELS) },
    undefined,
    {
      default: "`info` (`silent` when `NODE_ENV=test`)",
      description: "the least severe JSON log line the server writes",
    },
  ),

  // Metrics
  METRICS_TOKEN: setting(
    "metrics",
    {
      rule: `at least ${MIN_METRICS_TOKEN_LENGTH} characters`,
      value: z.string().min(MIN_METRICS_TOKEN_LENGTH),
    },
    undefined,
    {
      default: "none (`/metrics` is not served on the server's port)",
      description:
        "the bearer token a scraper sends (`Authorization: Bearer …`) for `GET /metrics` on the server's port; on METRICS_PORT it is required only when set",
      secret: true,
    },
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: setting(
    "metrics",
    {
      rule: "an http:// or https:// URL",
      value: z.url({ protocol: /^https?$/ }),
    },
    undefined,
    {
      default: "none (no traces)",
      description:
        "send OpenTelemetry traces over OTLP/HTTP to `<this>/v1/traces` (headers such as an API key: `OTEL_EXPORTER_OTLP_HEADERS`, read by the exporter)",
    },
  ),
  OTEL_SERVICE_NAME: setting("metrics", { rule: "a name", value: z.string().max(200) }, undefined, {
    default: "`collab-web` (the server), `collab-worker` (`pnpm worker`)",
    description: "the traces' `service.name`",
  }),
  METRICS_PORT: setting("metrics", integer(1, 65_535), undefined, {
    default: "none",
    description:
      "also serve `GET /metrics` on this port (all interfaces, or HOST), for a scraper on a private network; the only way `pnpm worker` serves its metrics",
  }),
};

/**
 * The environment as every deployment setting reads it: each variable trimmed, blank as unset,
 * checked and converted, its default filled in. Unknown variables are ignored.
 */
export const ENV_SCHEMA = z
  .object(shape)
  .refine((env) => env.RATE_LIMIT_STORE !== "redis" || env.REDIS_URL !== undefined, {
    path: ["RATE_LIMIT_STORE"],
    message: "redis needs REDIS_URL",
    when: (payload) =>
      !payload.issues.some((issue) =>
        ["RATE_LIMIT_STORE", "REDIS_URL"].includes(String(issue.path?.[0])),
      ),
  })
  .refine((env) => env.HTTP_REQUEST_TIMEOUT_SECONDS >= env.HTTP_HEADERS_TIMEOUT_SECONDS, {
    path: ["HTTP_REQUEST_TIMEOUT_SECONDS"],
    message: "must be at least HTTP_HEADERS_TIMEOUT_SECONDS (the headers are part of the request)",
    // Also when other variables are malformed: every problem is reported at once.
    when: (payload) =>
      !payload.issues.some((issue) =>
        ["HTTP_REQUEST_TIMEOUT_SECONDS", "HTTP_HEADERS_TIMEOUT_SECONDS"].includes(
          String(issue.path?.[0]),
        ),
      ),
  });

export type VariableName = keyof typeof shape;

/** Every variable's name, in the schema's (and the README's) order. */
export const VARIABLE_NAMES = Object.keys(shape) as VariableName[];

/** A variable's metadata. */
export function variableMeta(name: VariableName): VariableMeta {
  const meta = VARIABLES.get(shape[name]);
  if (meta === undefined) throw new Error(`${name} has no metadata`);
  return meta;
}

export type ParsedEnv = z.output<typeof ENV_SCHEMA>;
