import { isIP } from "node:net";
import { MIN_SESSION_KEY_LENGTH, SIGN_IN_THROTTLE_DEFAULTS } from "@collab/api";
import { callingTimeoutSeconds } from "@collab/domain";
import { DEFAULT_CAPABILITY_PREFIX, DEFAULT_WINDOW_SECONDS } from "@collab/hiar-auth";
import { type WorkerSettings, workerSettingsFromEnv } from "@collab/worker";
import proxyaddr from "proxy-addr";
import {
  capabilityPrefix,
  dateWindowSeconds,
  type Env,
  numberVar,
  rateLimitConfig,
  type ServerConfig,
  signInThrottleConfig,
} from "./config";

// The server process's own settings (listening, proxies, bounds, shutdown, worker), parsed with
// the request handlers' (config.ts) by readStartSettings() when the process starts.

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

/** TRUST_PROXY: unset or 0 → none; 1–10 → that many hops; else a comma-separated range list. */
export function trustProxySetting(env: Env): TrustProxy {
  const raw = env.TRUST_PROXY?.trim() ?? "";
  if (raw === "" || raw === "0" || raw.toLowerCase() === "false") return { kind: "none" };
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > MAX_TRUSTED_HOPS) {
      throw new Error(
        `TRUST_PROXY must be a hop count from 0 to ${MAX_TRUSTED_HOPS}, got "${raw}"`,
      );
    }
    return { kind: "hops", hops };
  }
  if (raw.toLowerCase() === "true") {
    throw new Error(
      'TRUST_PROXY=true would let any client name its own address: give the number of proxies in front of the server (e.g. "1") or their addresses (e.g. "loopback,10.0.0.0/8")',
    );
  }
  const ranges = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  try {
    proxyaddr.compile(ranges);
  } catch (error) {
    throw new Error(
      `TRUST_PROXY must be a hop count or a comma-separated list of IP addresses, CIDR ranges, loopback, linklocal or uniquelocal: ${(error as Error).message} in ${JSON.stringify(raw)}`,
    );
  }
  return { kind: "ranges", ranges };
}

/** What the server allows a client before it has said who it is (README "Operating"). */
export interface HttpBounds {
  /** The request line and headers must arrive within this (slowloris). */
  readonly headersTimeoutMs: number;
  /** The whole request (headers and body) must arrive within this. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** Connections open at once; further ones are closed as they arrive. */
  readonly maxConnections: number;
  /** Request line and headers together (HTTP 431 beyond). */
  readonly maxHeaderBytes: number;
}

export const MAX_HEADER_BYTES = 16_384;

function httpBounds(env: Env): HttpBounds {
  const seconds = (name: string, fallback: number, max: number) =>
    Math.round(numberVar(env, name, fallback, { min: 1, max, fractions: true }) * 1000);
  const headersTimeoutMs = seconds("HTTP_HEADERS_TIMEOUT_SECONDS", 10, 300);
  const requestTimeoutMs = seconds("HTTP_REQUEST_TIMEOUT_SECONDS", 30, 3_600);
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new Error(
      "HTTP_REQUEST_TIMEOUT_SECONDS must be at least HTTP_HEADERS_TIMEOUT_SECONDS (the headers are part of the request)",
    );
  }
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: seconds("HTTP_KEEP_ALIVE_TIMEOUT_SECONDS", 5, 600),
    maxConnections: numberVar(env, "HTTP_MAX_CONNECTIONS", 1_024, { min: 1, max: 1_000_000 }),
    maxHeaderBytes: MAX_HEADER_BYTES,
  };
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export interface StartSettings {
  /** `pnpm dev` (NODE_ENV=development): Next.js compiles on demand and reloads. */
  readonly dev: boolean;
  readonly port: number;
  /** Interface to listen on; undefined: all of them. */
  readonly host: string | undefined;
  readonly server: ServerConfig;
  readonly trustProxy: TrustProxy;
  readonly http: HttpBounds;
  /** How long a shutdown waits for requests in flight before closing their connections. */
  readonly shutdownTimeoutMs: number;
  /** Null when WORKER_IN_SERVER=0: the worker runs elsewhere (`pnpm worker`). */
  readonly worker: WorkerSettings | null;
  /** The deployment's calling timeout (HIAR_CALLING_TIMEOUT_SECONDS), validated here. */
  readonly callingTimeoutSeconds: number;
  /** Production without CONSOLE_SESSION_SECRET: the console refuses sign-in (warned at start). */
  readonly consoleSignInDisabled: boolean;
}

export type StartSettingsResult =
  | { readonly ok: true; readonly settings: StartSettings }
  /** One line per malformed variable, each naming it. */
  | { readonly ok: false; readonly errors: readonly string[] };

function workerInServer(env: Env): boolean {
  const raw = env.WORKER_IN_SERVER?.trim().toLowerCase() ?? "";
  if (raw === "" || raw === "1" || raw === "true") return true;
  if (raw === "0" || raw === "false") return false;
  throw new Error(`WORKER_IN_SERVER must be 1 or 0, got ${JSON.stringify(env.WORKER_IN_SERVER)}`);
}

function databaseUrl(env: Env): void {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return;
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    // Never echo the value: it may hold a password.
    throw new Error("DATABASE_URL must be a postgres:// or postgresql:// URL (it does not parse)");
  }
  if (protocol !== "postgres:" && protocol !== "postgresql:") {
    throw new Error(`DATABASE_URL must be a postgres:// or postgresql:// URL, not ${protocol}//…`);
  }
}

function consoleSignInDisabled(env: Env, dev: boolean): boolean {
  const secret = env.CONSOLE_SESSION_SECRET?.trim();
  if (secret) {
    if (secret.length < MIN_SESSION_KEY_LENGTH) {
      throw new Error(
        `CONSOLE_SESSION_SECRET must be at least ${MIN_SESSION_KEY_LENGTH} characters (e.g. \`openssl rand -base64 48\`)`,
      );
    }
    return false;
  }
  return !dev && env.NODE_ENV === "production";
}

function host(env: Env): string | undefined {
  const raw = env.HOST?.trim();
  if (!raw) return undefined;
  if (isIP(raw) === 0 && !/^[A-Za-z0-9.-]{1,253}$/.test(raw)) {
    throw new Error(`HOST must be an IP address or a host name, got ${JSON.stringify(env.HOST)}`);
  }
  return raw;
}

/**
 * Every setting of the server process, or every problem with them. `dev` is `pnpm dev`'s
 * NODE_ENV=development. Worker and calling-timeout settings are parsed by their own packages'
 * readers (the same ones `pnpm worker` uses), so both processes accept exactly the same values.
 */
export function readStartSettings(env: Env, dev: boolean): StartSettingsResult {
  const errors: string[] = [];
  const read = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse();
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
      return fallback;
    }
  };
  const logLevel = env.LOG_LEVEL?.trim();
  if (logLevel && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    errors.push(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`,
    );
  }
  read(() => databaseUrl(env), undefined);
  const settings: StartSettings = {
    dev,
    port: read(() => numberVar(env, "PORT", 3000, { min: 0, max: 65_535 }), 0),
    host: read(() => host(env), undefined),
    server: {
      capabilityPrefix: read(() => capabilityPrefix(env), DEFAULT_CAPABILITY_PREFIX),
      dateWindowSeconds: read(() => dateWindowSeconds(env), DEFAULT_WINDOW_SECONDS),
      rateLimit: read(() => rateLimitConfig(env), null),
      signInThrottle: read(() => signInThrottleConfig(env), SIGN_IN_THROTTLE_DEFAULTS),
    },
    trustProxy: read(() => trustProxySetting(env), { kind: "none" }),
    http: read(() => httpBounds(env), {
      headersTimeoutMs: 0,
      requestTimeoutMs: 0,
      keepAliveTimeoutMs: 0,
      maxConnections: 0,
      maxHeaderBytes: MAX_HEADER_BYTES,
    }),
    shutdownTimeoutMs: read(
      () =>
        Math.round(
          numberVar(env, "SHUTDOWN_TIMEOUT_SECONDS", 10, { min: 0, max: 3_600, fractions: true }) *
            1000,
        ),
      0,
    ),
    // Parsed even when the worker runs elsewhere: the console's webhook settings read them too.
    worker: read(() => {
      const worker = workerSettingsFromEnv(env as NodeJS.ProcessEnv);
      return workerInServer(env) ? worker : null;
    }, null),
    callingTimeoutSeconds: read(() => callingTimeoutSeconds(env as NodeJS.ProcessEnv), 0),
    consoleSignInDisabled: read(() => consoleSignInDisabled(env, dev), false),
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings };
}
