import { describe, expect, it } from "vitest";
import { parseRetryAfter, RETRYABLE_REASONS, retryDelay, sleep } from "./retry";

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(" 0 ")).toBe(0);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now)).toBe(0);
  });

  it("ignores what is absent or unreadable", () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("-1")).toBeUndefined();
  });
});

describe("retryDelay", () => {
  it("doubles from the initial step, with half of it random, up to the cap", () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect(retryDelay(1, undefined, {}, low)).toBe(125);
    expect(retryDelay(1, undefined, {}, high)).toBeCloseTo(250, 0);
    expect(retryDelay(3, undefined, {}, low)).toBe(500);
    expect(retryDelay(20, undefined, { maxMs: 1000 }, high)).toBeCloseTo(1000, 0);
  });

  it("never waits less than Retry-After, and gives up past maxRetryAfterMs", () => {
    expect(retryDelay(1, 1000, {}, () => 0)).toBe(1000);
    expect(retryDelay(1, 1000, { initialMs: 100 }, () => 0.5)).toBe(1050);
    expect(retryDelay(1, 61_000, {}, () => 0)).toBeUndefined();
    expect(retryDelay(1, 5000, { maxRetryAfterMs: 4000 })).toBeUndefined();
  });

  it("retries exactly UNAVAILABLE and RATE_LIMITED", () => {
    expect([...RETRYABLE_REASONS].sort()).toEqual(["RATE_LIMITED", "UNAVAILABLE"]);
  });
});

describe("sleep", () => {
  it("stops early when its signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = sleep(10_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
