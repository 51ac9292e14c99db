import { HiarError } from "@collab/contracts";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { toHiarError } from "../errors";
import { CLIENT_FAILURE_FACTOR, SignInThrottle } from "./sign-in-throttle";

// The throttle around a stand-in sign-in, on a fake clock (rate-limiter-flexible's memory store
// uses Date.now() and setTimeout).

const wrong = () =>
  Promise.reject(new HiarError("UNAUTHENTICATED", "The APPID or secret is not correct."));
const right = () => Promise.resolve("signed in");

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    const hiar = toHiarError(error);
    return hiar.reason === "RATE_LIMITED" ? `${hiar.reason}: ${hiar.message}` : hiar.reason;
  }
}

describe("SignInThrottle", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const app = (appId: string, clientAddress: string | null = null) => ({ appId, clientAddress });

  it("refuses an APPID after maxFailures failures, without checking, until the window passes", async () => {
    const throttle = new SignInThrottle({ maxFailures: 3, windowSeconds: 60 });
    for (let i = 0; i < 3; i++) {
      expect(await outcome(throttle.guard(app("a"), wrong))).toBe("UNAUTHENTICATED");
    }
    vi.advanceTimersByTime(10_000);
    const check = vi.fn(right);
    expect(await outcome(throttle.guard(app("a"), check))).toBe(
      "RATE_LIMITED: too many failed sign-ins: try again in 50 s",
    );
    expect(check).not.toHaveBeenCalled();
    // Refused attempts do not extend the window.
    vi.advanceTimersByTime(49_000);
    expect(await outcome(throttle.guard(app("a"), check))).toBe(
      "RATE_LIMITED: too many failed sign-ins: try again in 1 s",
    );
    vi.advanceTimersByTime(1_001);
    expect(await outcome(throttle.guard(app("a"), check))).toBe("ok");
    expect(check).toHaveBeenCalledTimes(1);
  });

  it("counts each APPID on its own, and a success resets it", async () => {
    const throttle = new SignInThrottle({ maxFailures: 2, windowSeconds: 60 });
    await outcome(throttle.guard(app("a"), wrong));
    expect(await outcome(throttle.guard(app("a"), right))).toBe("ok");
    await outcome(throttle.guard(app("a"), wrong));
    await outcome(throttle.guard(app("a"), wrong));
    expect(await outcome(throttle.guard(app("a"), right))).toMatch(/^RATE_LIMITED/);
    expect(await outcome(throttle.guard(app("b"), right))).toBe("ok");
  });

  it("does not count errors other than wrong credentials", async () => {
    const throttle = new SignInThrottle({ maxFailures: 1, windowSeconds: 60 });
    const down = () => Promise.reject(new HiarError("UNAVAILABLE"));
    for (let i = 0; i < 3; i++)
      expect(await outcome(throttle.guard(app("a"), down))).toBe("UNAVAILABLE");
    expect(await outcome(throttle.guard(app("a"), right))).toBe("ok");
  });

  it("holds under concurrent attempts", async () => {
    const throttle = new SignInThrottle({ maxFailures: 3, windowSeconds: 60 });
    const check = vi.fn(wrong);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => outcome(throttle.guard(app("a"), check))),
    );
    expect(check).toHaveBeenCalledTimes(3);
    expect(outcomes.filter((o) => o === "UNAUTHENTICATED")).toHaveLength(3);
  });

  it("limits one client across APPIDs to a multiple of the per-APPID limit", async () => {
    const throttle = new SignInThrottle({ maxFailures: 2, windowSeconds: 60 });
    const limit = 2 * CLIENT_FAILURE_FACTOR;
    for (let i = 0; i < limit; i++) {
      expect(await outcome(throttle.guard(app(`app-${i}`, "203.0.113.7"), wrong))).toBe(
        "UNAUTHENTICATED",
      );
    }
    expect(await outcome(throttle.guard(app("fresh", "203.0.113.7"), right))).toMatch(
      /^RATE_LIMITED/,
    );
    // Another client, and the fresh APPID itself, are unaffected.
    expect(await outcome(throttle.guard(app("fresh", "198.51.100.1"), right))).toBe("ok");
  });

  it("does nothing with maxFailures 0", async () => {
    const throttle = new SignInThrottle({ maxFailures: 0, windowSeconds: 60 });
    for (let i = 0; i < 20; i++) {
      expect(await outcome(throttle.guard(app("a", "203.0.113.7"), wrong))).toBe("UNAUTHENTICATED");
    }
  });
});
