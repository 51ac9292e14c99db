import { createLimitStore } from "@collab/api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppRateLimiter } from "./rate-limit";

// The token bucket in the in-process store, with a fake clock; and what a store that cannot be
// reached does to requests (they pass, with a warning).

describe("AppRateLimiter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["performance", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lets an idle app send its burst at once, then one request per token", async () => {
    const limiter = new AppRateLimiter({ perSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) expect(await limiter.take("a")).toEqual({ allowed: true });
    expect(await limiter.take("a")).toEqual({ allowed: false, retryAfterSeconds: 1 });

    vi.advanceTimersByTime(499);
    expect((await limiter.take("a")).allowed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await limiter.take("a")).toEqual({ allowed: true });
    expect((await limiter.take("a")).allowed).toBe(false);

    // Sustained: two a second, never more than the burst after a long pause.
    vi.advanceTimersByTime(60_000);
    let allowed = 0;
    while ((await limiter.take("a")).allowed) allowed++;
    expect(allowed).toBe(3);
  });

  it("keeps one bucket per app", async () => {
    const limiter = new AppRateLimiter({ perSecond: 1, burst: 1 });
    expect((await limiter.take("a")).allowed).toBe(true);
    expect((await limiter.take("a")).allowed).toBe(false);
    expect((await limiter.take("b")).allowed).toBe(true);
  });

  it("answers Retry-After in whole seconds until a token is back, at least 1", async () => {
    const slow = new AppRateLimiter({ perSecond: 0.1, burst: 1 });
    expect((await slow.take("a")).allowed).toBe(true);
    expect(await slow.take("a")).toEqual({ allowed: false, retryAfterSeconds: 10 });
    vi.advanceTimersByTime(2_500);
    expect(await slow.take("a")).toEqual({ allowed: false, retryAfterSeconds: 8 });
    vi.advanceTimersByTime(7_400);
    expect(await slow.take("a")).toEqual({ allowed: false, retryAfterSeconds: 1 });

    const fast = new AppRateLimiter({ perSecond: 1000, burst: 1 });
    expect((await fast.take("a")).allowed).toBe(true);
    expect(await fast.take("a")).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("forgets buckets that are full again", async () => {
    const limiter = new AppRateLimiter({ perSecond: 10, burst: 5 });
    await limiter.take("a");
    await limiter.take("b");
    expect(limiter.size).toBe(2);
    vi.advanceTimersByTime(61_000);
    await limiter.take("c");
    expect(limiter.size).toBe(1);
  });

  it("lets requests through when a shared store cannot be reached, warning at most every 10 s", async () => {
    const warnings: unknown[] = [];
    let unchecked = 0;
    const broken = createLimitStore({ kind: "memory" });
    broken.takeToken = async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
    };
    const limiter = new AppRateLimiter(
      { perSecond: 1, burst: 1 },
      {
        store: broken,
        log: { warn: (...args: unknown[]) => warnings.push(args) } as never,
        onUnchecked: () => unchecked++,
      },
    );
    for (let i = 0; i < 5; i++) expect(await limiter.take("a")).toEqual({ allowed: true });
    expect(warnings).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    expect(await limiter.take("a")).toEqual({ allowed: true });
    expect(warnings).toHaveLength(2);
    expect(JSON.stringify(warnings[1])).toContain('"unchecked":5');
    // Every one of them counted for the metric.
    expect(unchecked).toBe(6);
  });
});
