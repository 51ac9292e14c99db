import { createLimitStore, type LimitStore } from "@collab/api";
import type { RateLimit } from "@collab/settings";
import type { Logger } from "pino";

// The per-app limit of the signed REST API (RATE_LIMITED, 429): one token bucket per app. It
// holds `burst` tokens, gains `perSecond` a second, and every authenticated request takes one.
// The buckets live in the deployment's limit store (RATE_LIMIT_STORE): in this process (then N
// instances allow an app N times the limit), or shared by every instance in PostgreSQL or Redis.
// A shared store that cannot be reached lets the request through (fail open, a warning at most
// every WARN_INTERVAL_MS): the limit protects the service's capacity, and a request still has
// to pass authentication and the database (docs/decisions.md).

/** At most one "store unreachable" warning this often. */
const WARN_INTERVAL_MS = 10_000;

export type RateLimitDecision =
  | { readonly allowed: true }
  /** Whole seconds until the app has a token again (at least 1): the Retry-After value. */
  | { readonly allowed: false; readonly retryAfterSeconds: number };

const ALLOWED: RateLimitDecision = Object.freeze({ allowed: true });

export class AppRateLimiter {
  readonly store: LimitStore;
  readonly #log: Pick<Logger, "warn"> | null;
  readonly #onUnchecked: (() => void) | null;
  #lastWarning = Number.NEGATIVE_INFINITY;
  #unchecked = 0;

  constructor(
    readonly config: RateLimit,
    options: {
      readonly store?: LimitStore;
      readonly log?: Pick<Logger, "warn">;
      /** Told of every request let through unchecked (a metric). */
      readonly onUnchecked?: () => void;
    } = {},
  ) {
    this.store = options.store ?? createLimitStore({ kind: "memory" });
    this.#log = options.log ?? null;
    this.#onUnchecked = options.onUnchecked ?? null;
  }

  /** Takes a token for `appId` when it has one; otherwise says how long until it will. */
  async take(appId: string): Promise<RateLimitDecision> {
    let decision: Awaited<ReturnType<LimitStore["takeToken"]>>;
    try {
      decision = await this.store.takeToken(appId, this.config);
    } catch (error) {
      this.#unreachable(error);
      return ALLOWED;
    }
    if (decision.allowed) return ALLOWED;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
    };
  }

  /** Buckets held by an in-process store (tests, diagnostics); null when shared. */
  get size(): number | null {
    return this.store.bucketCount();
  }

  #unreachable(error: unknown): void {
    this.#onUnchecked?.();
    this.#unchecked += 1;
    const now = Date.now();
    if (now - this.#lastWarning < WARN_INTERVAL_MS) return;
    this.#lastWarning = now;
    this.#log?.warn(
      { err: error, store: this.store.kind, unchecked: this.#unchecked },
      "rate-limit store unreachable: requests pass unchecked",
    );
    this.#unchecked = 0;
  }
}
