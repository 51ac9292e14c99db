import { describe, expect, it } from "vitest";
import { DEFAULT_WORKER_SETTINGS, workerSettingsFromEnv } from "./settings";
import { retryDelayMs } from "./webhooks/backoff";

describe("worker settings", () => {
  it("defaults: 5 s per attempt, 24 h window, backoff 5 s doubling to 1 h", () => {
    expect(workerSettingsFromEnv({})).toStrictEqual(DEFAULT_WORKER_SETTINGS);
    expect(DEFAULT_WORKER_SETTINGS.webhooks).toMatchObject({
      timeoutMs: 5_000,
      maxAgeMs: 86_400_000,
      backoffBaseMs: 5_000,
      backoffMaxMs: 3_600_000,
      attemptRetentionMs: 30 * 86_400_000,
      allowPrivateNetworks: false,
    });
  });

  it("reads the environment and refuses malformed values", () => {
    const settings = workerSettingsFromEnv({
      WORKER_POLL_INTERVAL_MS: "100",
      WEBHOOK_TIMEOUT_SECONDS: "2.5",
      WEBHOOK_MAX_AGE_HOURS: "1",
      WEBHOOK_BACKOFF_BASE_SECONDS: "0.1",
      WEBHOOK_ATTEMPT_RETENTION_DAYS: "7",
    });
    expect(settings.pollIntervalMs).toBe(100);
    expect(settings.webhooks).toMatchObject({
      timeoutMs: 2_500,
      maxAgeMs: 3_600_000,
      backoffBaseMs: 100,
      backoffMaxMs: 3_600_000,
      attemptRetentionMs: 7 * 86_400_000,
    });
    expect(() => workerSettingsFromEnv({ WEBHOOK_TIMEOUT_SECONDS: "soon" })).toThrow(
      /WEBHOOK_TIMEOUT_SECONDS/,
    );
    expect(() => workerSettingsFromEnv({ WORKER_POLL_INTERVAL_MS: "0" })).toThrow();
  });

  it("blocks private networks unless WEBHOOK_ALLOW_PRIVATE_NETWORKS=1", () => {
    const allowed = (value: string) =>
      workerSettingsFromEnv({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: value }).webhooks
        .allowPrivateNetworks;
    expect(allowed("1")).toBe(true);
    expect(allowed("true")).toBe(true);
    expect(allowed("0")).toBe(false);
    expect(allowed("")).toBe(false);
    expect(() => allowed("on")).toThrow(/WEBHOOK_ALLOW_PRIVATE_NETWORKS/);
  });
});

describe("retryDelayMs", () => {
  const settings = { backoffBaseMs: 5_000, backoffMaxMs: 3_600_000 };
  it("doubles per failure from the base, capped, with ±20 % jitter", () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, settings, middle))).toStrictEqual([
      5_000, 10_000, 20_000, 40_000,
    ]);
    expect(retryDelayMs(30, settings, middle)).toBe(3_600_000);
    expect(retryDelayMs(1, settings, () => 0)).toBe(4_000);
    expect(retryDelayMs(1, settings, () => 1)).toBe(6_000);
  });
});
