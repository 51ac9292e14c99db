import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppRateLimiter } from "./rate-limit";

// The token bucket with a fake clock (limiter reads performance.now()).

describe("AppRateLimiter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["performance", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lets an idle app send its burst at once, then one request per token", () => {
    const limiter = new AppRateLimiter({ perSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) expect(limiter.take("a")).toEqual({ allowed: true });
    expect(limiter.take("a")).toEqual({ allowed: false, retryAfterSeconds: 1 });

    vi.advanceTimersByTime(499);
    expect(limiter.take("a").allowed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(limiter.take("a")).toEqual({ allowed: true });
    expect(limiter.take("a").allowed).toBe(false);

    // Sustained: two a second, never more than the burst after a long pause.
    vi.advanceTimersByTime(60_000);
    let allowed = 0;
    while (limiter.take("a").allowed) allowed++;
    expect(allowed).toBe(3);
  });

  it("keeps one bucket per app", () => {
    const limiter = new AppRateLimiter({ perSecond: 1, burst: 1 });
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(false);
    expect(limiter.take("b").allowed).toBe(true);
  });

  it("answers Retry-After in whole seconds until a token is back, at least 1", () => {
    const slow = new AppRateLimiter({ perSecond: 0.1, burst: 1 });
    expect(slow.take("a").allowed).toBe(true);
    expect(slow.take("a")).toEqual({ allowed: false, retryAfterSeconds: 10 });
    vi.advanceTimersByTime(2_500);
    expect(slow.take("a")).toEqual({ allowed: false, retryAfterSeconds: 8 });
    vi.advanceTimersByTime(7_400);
    expect(slow.take("a")).toEqual({ allowed: false, retryAfterSeconds: 1 });

    const fast = new AppRateLimiter({ perSecond: 1000, burst: 1 });
    expect(fast.take("a").allowed).toBe(true);
    expect(fast.take("a")).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("forgets buckets that are full again", () => {
    const limiter = new AppRateLimiter({ perSecond: 10, burst: 5 });
    limiter.take("a");
    limiter.take("b");
    expect(limiter.size).toBe(2);
    vi.advanceTimersByTime(61_000);
    limiter.take("c");
    expect(limiter.size).toBe(1);
  });
});
