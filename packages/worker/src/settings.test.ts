import { DEFAULT_SETTINGS } from "@collab/settings";
import { describe, expect, it } from "vitest";
import { loopRetryDelayMs } from "./loop";
import { maintenanceCheckMs } from "./maintenance";
import { DEFAULT_WORKER_SETTINGS, resolveWorkerSettings, webhookLeaseMs } from "./settings";
import { retryDelayMs } from "./webhooks/backoff";

describe("worker settings", () => {
  it("defaults: 5 s per attempt, 24 h window, backoff 5 s doubling to 1 h", () => {
    expect(resolveWorkerSettings()).toStrictEqual(DEFAULT_WORKER_SETTINGS);
    // The deployment's knobs default to what an unset environment means (@collab/settings).
    const { inServer: _inServer, ...deployment } = DEFAULT_SETTINGS.worker;
    expect(DEFAULT_WORKER_SETTINGS).toMatchObject(deployment);
    expect(DEFAULT_WORKER_SETTINGS.webhooks).toMatchObject({
      timeoutMs: 5_000,
      maxAgeMs: 86_400_000,
      backoffBaseMs: 5_000,
      backoffMaxMs: 3_600_000,
      attemptRetentionMs: 30 * 86_400_000,
      allowPrivateNetworks: false,
      maxConcurrentPerApp: 4,
    });
    expect(DEFAULT_WORKER_SETTINGS).toMatchObject({
      sweepIntervalMs: 250,
      sweepBatchSize: 500,
      maintenanceIntervalMs: 600_000,
      retryMaxMs: 2_000,
    });
    // A stream's lease outlives a batch of timed-out attempts: 20 × (5 s + 1 s) + 30 s.
    expect(webhookLeaseMs(DEFAULT_WORKER_SETTINGS.webhooks)).toBe(150_000);
    expect(webhookLeaseMs({ ...DEFAULT_WORKER_SETTINGS.webhooks, leaseMs: 2_000 })).toBe(2_000);
  });

  it("refuses settings given in code that would spin or stall, naming them", () => {
    expect(() => resolveWorkerSettings({ sweepIntervalMs: 0 })).toThrow(/sweepIntervalMs/);
    expect(() => resolveWorkerSettings({ sweepBatchSize: 0.5 })).toThrow(/sweepBatchSize/);
    expect(() => resolveWorkerSettings({ retryMaxMs: Number.NaN })).toThrow(/retryMaxMs/);
    expect(() => resolveWorkerSettings({ webhooks: { leaseMs: -1 } })).toThrow(/leaseMs/);
    expect(resolveWorkerSettings({ webhooks: { concurrency: 2 } }).webhooks.concurrency).toBe(2);
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

describe("loop backoff and maintenance cadence", () => {
  it("a failing loop retries after base × 2^(n−1), capped, ±20 %", () => {
    const settings = { retryBaseMs: 100, retryMaxMs: 2_000 };
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((n) => loopRetryDelayMs(n, settings, middle))).toStrictEqual([
      100, 200, 400, 800, 1_600, 2_000,
    ]);
    expect(loopRetryDelayMs(1_000, settings, () => 1)).toBe(2_400);
  });

  it("workers ask for the maintenance run a tenth of its interval apart, 1 s to 1 min", () => {
    expect(maintenanceCheckMs(600_000)).toBe(60_000);
    expect(maintenanceCheckMs(120_000)).toBe(12_000);
    expect(maintenanceCheckMs(2_000)).toBe(1_000);
  });
});
