import { describe, expect, it } from "vitest";
import { readStartSettings, type StartSettings, trustProxySetting } from "./start-settings";

function settings(env: Record<string, string>, dev = false): StartSettings {
  const result = readStartSettings(env, dev);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.settings;
}

function errors(env: Record<string, string>): readonly string[] {
  const result = readStartSettings(env, false);
  return result.ok ? [] : result.errors;
}

describe("TRUST_PROXY", () => {
  it("trusts no proxy unless told", () => {
    for (const value of ["", " ", "0", "false"]) {
      expect(trustProxySetting({ TRUST_PROXY: value })).toEqual({ kind: "none" });
    }
    expect(trustProxySetting({})).toEqual({ kind: "none" });
  });

  it("takes a hop count or a list of addresses, ranges and names", () => {
    expect(trustProxySetting({ TRUST_PROXY: "2" })).toEqual({ kind: "hops", hops: 2 });
    expect(
      trustProxySetting({ TRUST_PROXY: "loopback, 10.0.0.0/8,192.168.1.1, fd00::/8,uniquelocal" }),
    ).toEqual({
      kind: "ranges",
      ranges: ["loopback", "10.0.0.0/8", "192.168.1.1", "fd00::/8", "uniquelocal"],
    });
  });

  it.each([
    ["true", "would let any client name its own address"],
    ["11", "hop count from 0 to 10"],
    ["10.0.0.0/33", "invalid range"],
    ["proxy.internal", "invalid IP address: proxy.internal"],
    ["-1", "invalid IP address"],
  ])("refuses TRUST_PROXY=%s, naming it", (value, reason) => {
    expect(() => trustProxySetting({ TRUST_PROXY: value })).toThrow("TRUST_PROXY");
    expect(() => trustProxySetting({ TRUST_PROXY: value })).toThrow(reason);
  });
});

describe("the server's start settings", () => {
  it("defaults to port 3000 on every interface, the documented bounds and the worker in-process", () => {
    const s = settings({});
    expect(s).toMatchObject({
      dev: false,
      port: 3000,
      host: undefined,
      trustProxy: { kind: "none" },
      http: {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        keepAliveTimeoutMs: 5_000,
        maxConnections: 1_024,
        maxHeaderBytes: 16_384,
      },
      shutdownTimeoutMs: 10_000,
      callingTimeoutSeconds: 60,
      server: { capabilityPrefix: "/leliaRTC", rateLimit: { perSecond: 100, burst: 200 } },
    });
    expect(s.worker).not.toBeNull();
    expect(settings({ WORKER_IN_SERVER: "0" }).worker).toBeNull();
  });

  it("reads the bounds, port, host and shutdown wait", () => {
    expect(
      settings({
        PORT: "8080",
        HOST: "127.0.0.1",
        HTTP_HEADERS_TIMEOUT_SECONDS: "5",
        HTTP_REQUEST_TIMEOUT_SECONDS: "60",
        HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: "65",
        HTTP_MAX_CONNECTIONS: "100",
        SHUTDOWN_TIMEOUT_SECONDS: "2.5",
      }),
    ).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      http: { headersTimeoutMs: 5_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 65_000 },
      shutdownTimeoutMs: 2_500,
    });
  });

  it("says when production has no console key (sign-in off), and refuses a short one", () => {
    expect(settings({ NODE_ENV: "production" }).consoleSignInDisabled).toBe(true);
    expect(settings({ NODE_ENV: "development" }, true).consoleSignInDisabled).toBe(false);
    expect(
      settings({ NODE_ENV: "production", CONSOLE_SESSION_SECRET: "k".repeat(32) })
        .consoleSignInDisabled,
    ).toBe(false);
    expect(errors({ CONSOLE_SESSION_SECRET: "short" })).toEqual([
      expect.stringContaining("CONSOLE_SESSION_SECRET must be at least 32 characters"),
    ]);
  });

  it("reports every malformed variable at once, each by name, and never a database password", () => {
    const found = errors({
      PORT: "http",
      HIAR_RATE_LIMIT_BURST: "many",
      HIAR_DATE_WINDOW_SECONDS: "0",
      HIAR_CAPABILITY_PREFIX: "/a b",
      TRUST_PROXY: "yes",
      HTTP_HEADERS_TIMEOUT_SECONDS: "60",
      HTTP_REQUEST_TIMEOUT_SECONDS: "30",
      SHUTDOWN_TIMEOUT_SECONDS: "-1",
      HIAR_CALLING_TIMEOUT_SECONDS: "soon",
      WEBHOOK_TIMEOUT_SECONDS: "0",
      WORKER_IN_SERVER: "maybe",
      CONSOLE_SIGN_IN_MAX_FAILURES: "1.5",
      LOG_LEVEL: "loud",
      DATABASE_URL: "mysql://root:hunter2@db/app",
    });
    for (const name of [
      "PORT",
      "HIAR_RATE_LIMIT_BURST",
      "HIAR_DATE_WINDOW_SECONDS",
      "HIAR_CAPABILITY_PREFIX",
      "TRUST_PROXY",
      "HTTP_REQUEST_TIMEOUT_SECONDS",
      "SHUTDOWN_TIMEOUT_SECONDS",
      "HIAR_CALLING_TIMEOUT_SECONDS",
      "WEBHOOK_TIMEOUT_SECONDS",
      "CONSOLE_SIGN_IN_MAX_FAILURES",
      "LOG_LEVEL",
      "DATABASE_URL",
    ]) {
      expect(
        found.some((line) => line.startsWith(name)),
        name,
      ).toBe(true);
    }
    expect(found.join("\n")).not.toContain("hunter2");
    expect(errors({ WORKER_IN_SERVER: "maybe" })).toEqual([
      'WORKER_IN_SERVER must be 1 or 0, got "maybe"',
    ]);
  });
});
