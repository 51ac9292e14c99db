import { HiarError } from "@collab/contracts";
import { describe, expect, it, vi } from "vitest";
import { toHiarError } from "../errors";
import { CLIENT_FAILURE_FACTOR, clientKey, SignInThrottle } from "./sign-in-throttle";

// The throttle around a stand-in sign-in, on a clock the test moves.

const wrong = () =>
  Promise.reject(new HiarError("UNAUTHENTICATED", "The APPID or secret is not correct."));
const right = () => Promise.resolve("signed in");
/** Every APPID whose name starts with "app" or "known" exists; the rest are made up. */
const appExists = (appId: string) => () =>
  Promise.resolve(appId.startsWith("app") || appId.startsWith("known"));

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    const hiar = toHiarError(error);
    return hiar.reason === "RATE_LIMITED" ? `${hiar.reason}: ${hiar.message}` : hiar.reason;
  }
}

function clock() {
  let now = Date.UTC(2026, 0, 1);
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const attempt = (appId: string, clientAddress: string | null = null) => ({
  appId,
  clientAddress,
});
const guard = (
  throttle: SignInThrottle,
  appId: string,
  signIn: () => Promise<unknown>,
  clientAddress: string | null = null,
) => throttle.guard(attempt(appId, clientAddress), { appExists: appExists(appId), signIn });

describe("SignInThrottle", () => {
  it("refuses an APPID after maxFailures failures, without checking, until the window passes", async () => {
    const time = clock();
    const throttle = new SignInThrottle({ maxFailures: 3, windowSeconds: 60, now: time.now });
    for (let i = 0; i < 3; i++) {
      expect(await outcome(guard(throttle, "app-a", wrong))).toBe("UNAUTHENTICATED");
    }
    time.advance(10_000);
    const check = vi.fn(right);
    const lookup = vi.fn(appExists("app-a"));
    expect(
      await outcome(throttle.guard(attempt("app-a"), { appExists: lookup, signIn: check })),
    ).toBe("RATE_LIMITED: too many failed sign-ins: try again in 50 s");
    // Refused without touching the database at all.
    expect(lookup).not.toHaveBeenCalled();
    expect(check).not.toHaveBeenCalled();
    // Refused attempts do not extend the window.
    time.advance(49_000);
    expect(await outcome(guard(throttle, "app-a", check))).toBe(
      "RATE_LIMITED: too many failed sign-ins: try again in 1 s",
    );
    time.advance(1_001);
    expect(await outcome(guard(throttle, "app-a", check))).toBe("ok");
    expect(check).toHaveBeenCalledTimes(1);
  });

  it("counts each APPID on its own, and a success resets it", async () => {
    const throttle = new SignInThrottle({ maxFailures: 2, windowSeconds: 60 });
    await outcome(guard(throttle, "app-a", wrong));
    expect(await outcome(guard(throttle, "app-a", right))).toBe("ok");
    await outcome(guard(throttle, "app-a", wrong));
    await outcome(guard(throttle, "app-a", wrong));
    expect(await outcome(guard(throttle, "app-a", right))).toMatch(/^RATE_LIMITED/);
    expect(await outcome(guard(throttle, "app-b", right))).toBe("ok");
  });

  it("answers a made-up APPID exactly like a real one", async () => {
    const throttle = new SignInThrottle({ maxFailures: 2, windowSeconds: 60 });
    for (const appId of ["app-real", "made-up"]) {
      expect(await outcome(guard(throttle, appId, wrong))).toBe("UNAUTHENTICATED");
      expect(await outcome(guard(throttle, appId, wrong))).toBe("UNAUTHENTICATED");
      expect(await outcome(guard(throttle, appId, wrong))).toBe(
        "RATE_LIMITED: too many failed sign-ins: try again in 60 s",
      );
    }
    expect(throttle.sizes).toEqual({ apps: 1, unknownApps: 1, clients: 0 });
  });

  it("does not count errors other than wrong credentials", async () => {
    const throttle = new SignInThrottle({ maxFailures: 1, windowSeconds: 60 });
    const down = () => Promise.reject(new HiarError("UNAVAILABLE"));
    for (let i = 0; i < 3; i++) {
      expect(await outcome(guard(throttle, "app-a", down, "203.0.113.7"))).toBe("UNAVAILABLE");
    }
    // Nor a failed lookup.
    const lookupDown = () => Promise.reject(new HiarError("UNAVAILABLE"));
    for (let i = 0; i < 3; i++) {
      const result = throttle.guard(attempt("app-a", "203.0.113.7"), {
        appExists: lookupDown,
        signIn: right,
      });
      expect(await outcome(result)).toBe("UNAVAILABLE");
    }
    expect(await outcome(guard(throttle, "app-a", right, "203.0.113.7"))).toBe("ok");
    expect(throttle.sizes).toEqual({ apps: 0, unknownApps: 0, clients: 0 });
  });

  it("holds under concurrent attempts", async () => {
    const throttle = new SignInThrottle({ maxFailures: 3, windowSeconds: 60 });
    for (const appId of ["app-a", "made-up"]) {
      const check = vi.fn(wrong);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => outcome(guard(throttle, appId, check))),
      );
      expect(check).toHaveBeenCalledTimes(3);
      expect(outcomes.filter((o) => o === "UNAUTHENTICATED")).toHaveLength(3);
    }
  });

  it("limits one client across APPIDs to a multiple of the per-APPID limit", async () => {
    const throttle = new SignInThrottle({ maxFailures: 2, windowSeconds: 60 });
    const limit = 2 * CLIENT_FAILURE_FACTOR;
    for (let i = 0; i < limit; i++) {
      expect(await outcome(guard(throttle, `app-${i}`, wrong, "203.0.113.7"))).toBe(
        "UNAUTHENTICATED",
      );
    }
    expect(await outcome(guard(throttle, "app-fresh", right, "203.0.113.7"))).toMatch(
      /^RATE_LIMITED/,
    );
    // Another client, and the fresh APPID itself, are unaffected.
    expect(await outcome(guard(throttle, "app-fresh", right, "198.51.100.1"))).toBe("ok");
  });

  it("counts an IPv6 /64 as one client, and an IPv4-mapped address as the IPv4 one", async () => {
    expect(clientKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(clientKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey(" 203.0.113.7 ")).toBe("203.0.113.7");
    expect(clientKey("not an address")).toBe("?not an address");
    expect(clientKey("x".repeat(500))).toHaveLength(65);

    const throttle = new SignInThrottle({ maxFailures: 1, windowSeconds: 60 });
    for (let i = 0; i < CLIENT_FAILURE_FACTOR; i++) {
      await outcome(guard(throttle, `made-up-${i}`, wrong, `2001:db8:1:2::${i + 1}`));
    }
    expect(await outcome(guard(throttle, "app-a", right, "2001:db8:1:2::ffff"))).toMatch(
      /^RATE_LIMITED/,
    );
    expect(await outcome(guard(throttle, "app-a", right, "2001:db8:1:3::1"))).toBe("ok");
  });

  it("does nothing with maxFailures 0", async () => {
    const throttle = new SignInThrottle({ maxFailures: 0, windowSeconds: 60 });
    for (let i = 0; i < 20; i++) {
      expect(await outcome(guard(throttle, "app-a", wrong, "203.0.113.7"))).toBe("UNAUTHENTICATED");
    }
    expect(throttle.sizes).toEqual({ apps: 0, unknownApps: 0, clients: 0 });
  });
});

describe("SignInThrottle's bounds", () => {
  const bounds = { apps: 20, unknownApps: 50, clients: 30 };

  it("never holds more entries than its bounds, whatever APPIDs and addresses are sent", async () => {
    const throttle = new SignInThrottle({ maxFailures: 5, windowSeconds: 300, bounds });
    for (let i = 0; i < 2_000; i++) {
      const appId = i % 10 === 0 ? `app-${i}` : `made-up-${"x".repeat(200)}-${i}`;
      await outcome(
        throttle.guard(
          { appId, clientAddress: `198.51.${Math.floor(i / 250)}.${i % 250}` },
          { appExists: appExists(appId), signIn: wrong },
        ),
      );
      const sizes = throttle.sizes;
      expect(sizes.apps).toBeLessThanOrEqual(bounds.apps);
      expect(sizes.unknownApps).toBeLessThanOrEqual(bounds.unknownApps);
      expect(sizes.clients).toBeLessThanOrEqual(bounds.clients);
    }
    expect(throttle.sizes).toEqual(bounds);
  });

  it("cannot be made to forget a real app's failures by flooding made-up APPIDs", async () => {
    const throttle = new SignInThrottle({ maxFailures: 3, windowSeconds: 300, bounds });
    for (let i = 0; i < 3; i++) await outcome(guard(throttle, "known-victim", wrong));
    // Far more made-up APPIDs (and fresh client addresses) than any table holds.
    for (let i = 0; i < 1_000; i++) {
      await outcome(
        throttle.guard(
          { appId: `made-up-${i}`, clientAddress: `203.0.113.${i % 250}` },
          { appExists: appExists(`made-up-${i}`), signIn: wrong },
        ),
      );
    }
    expect(await outcome(guard(throttle, "known-victim", right))).toMatch(/^RATE_LIMITED/);
  });

  it("makes one client hit its own limit long before it could evict a real app's count", async () => {
    const maxFailures = 3;
    const throttle = new SignInThrottle({ maxFailures, windowSeconds: 300, bounds });
    for (let i = 0; i < maxFailures; i++) await outcome(guard(throttle, "known-victim", wrong));
    // One client failing against as many other real apps as the table holds.
    const answers: string[] = [];
    for (let i = 0; i < bounds.apps; i++) {
      answers.push(await outcome(guard(throttle, `known-${i}`, wrong, "203.0.113.9")));
    }
    const answered = answers.filter((answer) => answer === "UNAUTHENTICATED").length;
    expect(answered).toBe(maxFailures * CLIENT_FAILURE_FACTOR);
    expect(await outcome(guard(throttle, "known-victim", right))).toMatch(/^RATE_LIMITED/);
  });

  it("forgets expired entries' counts: a window that passed starts afresh", async () => {
    const time = clock();
    const throttle = new SignInThrottle({ maxFailures: 1, windowSeconds: 60, now: time.now });
    await outcome(guard(throttle, "app-a", wrong, "203.0.113.7"));
    expect(await outcome(guard(throttle, "app-a", right, "203.0.113.8"))).toMatch(/^RATE_LIMITED/);
    time.advance(60_000);
    expect(await outcome(guard(throttle, "app-a", right, "203.0.113.7"))).toBe("ok");
  });
});
