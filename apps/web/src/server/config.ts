import { SIGN_IN_THROTTLE_DEFAULTS, type SignInThrottleOptions } from "@collab/api";
import { DEFAULT_CAPABILITY_PREFIX, DEFAULT_WINDOW_SECONDS } from "@collab/hiar-auth";

// The request handlers' settings (REST and console). With start-settings.ts (the process's own:
// port, proxies, bounds, shutdown, worker) this is where the server parses its environment. The
// entry (src/entry/main.ts) parses both before it opens anything, so a malformed value stops
// `pnpm start` / `pnpm dev` at once with a message naming the variable; modules loaded by Next.js
// then read `serverConfig`, a parse already known to succeed.

export type Env = Readonly<Record<string, string | undefined>>;

/** The per-app token bucket of the signed REST API (per server instance). */
export interface RateLimitConfig {
  /** Sustained requests per second an app may send (tokens added per second). */
  readonly perSecond: number;
  /** Requests an app may send at once after being idle (the bucket's size). */
  readonly burst: number;
}

export interface ServerConfig {
  /** Public gateway prefix the REST routes are also served under (default "/leliaRTC"). */
  readonly capabilityPrefix: string;
  /** Allowed clock skew of X-HIAR-OPENAPI-DATE, both ways. */
  readonly dateWindowSeconds: number;
  /** Null when HIAR_RATE_LIMIT_PER_SECOND or HIAR_RATE_LIMIT_BURST is 0 (no limit). */
  readonly rateLimit: RateLimitConfig | null;
  /** The console sign-in throttle: failures per APPID (and per client) within a window. */
  readonly signInThrottle: SignInThrottleOptions;
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = Object.freeze({ perSecond: 100, burst: 200 });

export function capabilityPrefix(env: Env): string {
  const raw = env.HIAR_CAPABILITY_PREFIX?.trim();
  if (raw === undefined || raw === "") return DEFAULT_CAPABILITY_PREFIX;
  const prefix = (raw.startsWith("/") ? raw : `/${raw}`).replace(/\/+$/, "");
  // Whole path segments only, as the verifier's prefix tolerance requires.
  if (!/^(?:\/[A-Za-z0-9._~-]+)+$/.test(prefix)) {
    throw new Error(
      `HIAR_CAPABILITY_PREFIX must be one or more path segments like "/leliaRTC", got ${JSON.stringify(env.HIAR_CAPABILITY_PREFIX)}`,
    );
  }
  return prefix;
}

/** The variable as a number within [min, max] (an integer unless `fractions`), or the default. */
export function numberVar(
  env: Env,
  name: string,
  fallback: number,
  rule: { min: number; max: number; fractions?: boolean },
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  const kind = rule.fractions ? "a number" : "an integer";
  if (
    !Number.isFinite(value) ||
    (!rule.fractions && !Number.isInteger(value)) ||
    value < rule.min ||
    value > rule.max
  ) {
    throw new Error(
      `${name} must be ${kind} from ${rule.min} to ${rule.max}, got ${JSON.stringify(env[name])}`,
    );
  }
  return value;
}

export function dateWindowSeconds(env: Env): number {
  return numberVar(env, "HIAR_DATE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  });
}

/** HIAR_RATE_LIMIT_PER_SECOND (fractions allowed) and HIAR_RATE_LIMIT_BURST; 0 in either: off. */
export function rateLimitConfig(env: Env): RateLimitConfig | null {
  const perSecond = numberVar(env, "HIAR_RATE_LIMIT_PER_SECOND", DEFAULT_RATE_LIMIT.perSecond, {
    min: 0,
    max: 1_000_000,
    fractions: true,
  });
  const burst = numberVar(env, "HIAR_RATE_LIMIT_BURST", DEFAULT_RATE_LIMIT.burst, {
    min: 0,
    max: 1_000_000,
  });
  return perSecond === 0 || burst === 0 ? null : { perSecond, burst };
}

/** CONSOLE_SIGN_IN_MAX_FAILURES (0: off) and CONSOLE_SIGN_IN_WINDOW_SECONDS. */
export function signInThrottleConfig(env: Env): SignInThrottleOptions {
  return {
    maxFailures: numberVar(
      env,
      "CONSOLE_SIGN_IN_MAX_FAILURES",
      SIGN_IN_THROTTLE_DEFAULTS.maxFailures,
      { min: 0, max: 1_000 },
    ),
    windowSeconds: numberVar(
      env,
      "CONSOLE_SIGN_IN_WINDOW_SECONDS",
      SIGN_IN_THROTTLE_DEFAULTS.windowSeconds,
      { min: 1, max: 86_400 },
    ),
  };
}

/** The settings of the request handlers (REST and console); throws on the first malformed one. */
export function readServerConfig(env: Env): ServerConfig {
  return Object.freeze({
    capabilityPrefix: capabilityPrefix(env),
    dateWindowSeconds: dateWindowSeconds(env),
    rateLimit: rateLimitConfig(env),
    signInThrottle: signInThrottleConfig(env),
  });
}

let parsed: ServerConfig | undefined;
const current = (): ServerConfig => {
  parsed ??= readServerConfig(process.env);
  return parsed;
};

/**
 * This process's settings, parsed on first use (not at import: the entry imports this module
 * before it has checked the environment, and reports every malformed variable at once).
 */
export const serverConfig: ServerConfig = Object.freeze({
  get capabilityPrefix() {
    return current().capabilityPrefix;
  },
  get dateWindowSeconds() {
    return current().dateWindowSeconds;
  },
  get rateLimit() {
    return current().rateLimit;
  },
  get signInThrottle() {
    return current().signInThrottle;
  },
});
