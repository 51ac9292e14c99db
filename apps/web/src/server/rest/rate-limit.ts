import type { RateLimit } from "@collab/settings";
import { TokenBucket } from "limiter";

// The per-app limit of the signed REST API (RATE_LIMITED, 429): one token bucket per app in this
// process. It holds `burst` tokens, gains `perSecond` a second, and every authenticated request
// takes one. State is per server instance: with N instances an app gets up to N times the limit.

/** How often idle (full again) buckets are dropped, so the map holds only recently busy apps. */
const SWEEP_INTERVAL_MS = 60_000;

export type RateLimitDecision =
  | { readonly allowed: true }
  /** Whole seconds until the app has a token again (at least 1): the Retry-After value. */
  | { readonly allowed: false; readonly retryAfterSeconds: number };

const ALLOWED: RateLimitDecision = Object.freeze({ allowed: true });

export class AppRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  #lastSweep = performance.now();

  constructor(readonly config: RateLimit) {}

  /** Takes a token for `appId` when it has one; otherwise says how long until it will. */
  take(appId: string): RateLimitDecision {
    this.#sweep();
    let bucket = this.#buckets.get(appId);
    if (bucket === undefined) {
      bucket = new TokenBucket({
        bucketSize: this.config.burst,
        tokensPerInterval: this.config.perSecond,
        interval: "second",
      });
      // limiter's buckets start empty; an app's first requests may use the whole burst.
      bucket.content = this.config.burst;
      this.#buckets.set(appId, bucket);
    }
    if (bucket.tryRemoveTokens(1)) return ALLOWED;
    const waitMs = bucket.getWaitTime(1);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Apps with a bucket (tests, diagnostics). */
  get size(): number {
    return this.#buckets.size;
  }

  #sweep(): void {
    const now = performance.now();
    if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    for (const [appId, bucket] of this.#buckets) {
      bucket.drip();
      // A full bucket is what a new one would be: forgetting it changes nothing.
      if (bucket.content >= bucket.bucketSize) this.#buckets.delete(appId);
    }
  }
}
