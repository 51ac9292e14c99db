import { describe, expect, it } from "vitest";
import { rateLimitConfig, readServerConfig, signInThrottleConfig } from "./config";

describe("rate limit settings", () => {
  it("defaults to 100 a second with bursts of 200", () => {
    expect(rateLimitConfig({})).toEqual({ perSecond: 100, burst: 200 });
    expect(rateLimitConfig({ HIAR_RATE_LIMIT_PER_SECOND: "", HIAR_RATE_LIMIT_BURST: " " })).toEqual(
      { perSecond: 100, burst: 200 },
    );
  });

  it("reads both variables; the rate may be a fraction", () => {
    expect(
      rateLimitConfig({ HIAR_RATE_LIMIT_PER_SECOND: " 2.5 ", HIAR_RATE_LIMIT_BURST: "10" }),
    ).toEqual({ perSecond: 2.5, burst: 10 });
    expect(rateLimitConfig({ HIAR_RATE_LIMIT_BURST: "1" })).toEqual({ perSecond: 100, burst: 1 });
  });

  it("is off when either is 0", () => {
    expect(rateLimitConfig({ HIAR_RATE_LIMIT_PER_SECOND: "0" })).toBeNull();
    expect(rateLimitConfig({ HIAR_RATE_LIMIT_BURST: "0" })).toBeNull();
    expect(readServerConfig({ HIAR_RATE_LIMIT_PER_SECOND: "0" }).rateLimit).toBeNull();
  });

  it.each([
    ["HIAR_RATE_LIMIT_PER_SECOND", "-1"],
    ["HIAR_RATE_LIMIT_PER_SECOND", "fast"],
    ["HIAR_RATE_LIMIT_PER_SECOND", "Infinity"],
    ["HIAR_RATE_LIMIT_PER_SECOND", "1e9"],
    ["HIAR_RATE_LIMIT_BURST", "1.5"],
    ["HIAR_RATE_LIMIT_BURST", "-3"],
    ["HIAR_RATE_LIMIT_BURST", "10x"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    expect(() => rateLimitConfig({ [name]: value })).toThrow(name);
  });
});

describe("sign-in throttle settings", () => {
  it("defaults to 5 failures per 300 s; 0 failures turns it off", () => {
    expect(signInThrottleConfig({})).toEqual({ maxFailures: 5, windowSeconds: 300 });
    expect(
      signInThrottleConfig({
        CONSOLE_SIGN_IN_MAX_FAILURES: "0",
        CONSOLE_SIGN_IN_WINDOW_SECONDS: "60",
      }),
    ).toEqual({ maxFailures: 0, windowSeconds: 60 });
  });

  it.each([
    ["CONSOLE_SIGN_IN_MAX_FAILURES", "-1"],
    ["CONSOLE_SIGN_IN_MAX_FAILURES", "2.5"],
    ["CONSOLE_SIGN_IN_WINDOW_SECONDS", "0"],
    ["CONSOLE_SIGN_IN_WINDOW_SECONDS", "86401"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    expect(() => signInThrottleConfig({ [name]: value })).toThrow(name);
  });
});

describe("the other settings", () => {
  it("keeps the capability prefix and the date window as before", () => {
    expect(readServerConfig({})).toMatchObject({
      capabilityPrefix: "/leliaRTC",
      dateWindowSeconds: 300,
    });
    expect(
      readServerConfig({ HIAR_CAPABILITY_PREFIX: "acme/", HIAR_DATE_WINDOW_SECONDS: "60" }),
    ).toMatchObject({ capabilityPrefix: "/acme", dateWindowSeconds: 60 });
    expect(() => readServerConfig({ HIAR_DATE_WINDOW_SECONDS: "0" })).toThrow(
      "HIAR_DATE_WINDOW_SECONDS",
    );
  });
});
