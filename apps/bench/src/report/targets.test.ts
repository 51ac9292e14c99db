import { describe, expect, it } from "vitest";
import type { RingClockReport } from "../database/ring-clock";
import type { WindowStats } from "../load/timeline";
import type { CaseResult, MeasuredCase } from "../results";
import { evaluateTargets, holds } from "./targets";

const window = (requestsPerSecond: number, p99: number): WindowStats => ({
  fromSeconds: 0,
  toSeconds: 60,
  ok: requestsPerSecond * 60,
  non2xx: 0,
  requestsPerSecond,
  p50: p99 / 2,
  p99,
  serverCpuMsPerRequest: null,
  databaseCpuMsPerRequest: null,
  peakRssBytes: 0,
});

function measured(id: string, patch: Partial<MeasuredCase> & { rps?: number } = {}): MeasuredCase {
  const rps = patch.rps ?? 100;
  return {
    id,
    kind: "load",
    path: id.startsWith("baseline") ? "baseline" : "rest",
    invitees: 5,
    connections: 32,
    targetRate: null,
    rateSource: null,
    callingTimeoutSeconds: 0,
    warmup: null,
    measured: {
      seconds: 20,
      ok: rps * 20,
      errors: 0,
      statusCounts: {},
      requestsPerSecond: rps,
      latency: { p50: 10, p99: 40, mean: 12, max: 60 },
      failures: [],
    },
    peakRssBytes: 200 * 2 ** 20,
    cpuMsPerRequest: { server: 2, database: 1 },
    backgroundCpuBusy: 0,
    sessionsProvisioned: 10,
    analyzedDuringCase: [],
    check: {
      invitedEvents: 0,
      expectedAtLeast: 0,
      expectedAtMost: 0,
      rungAgainEvents: 0,
      ringClockCorrect: null,
      ok: true,
    },
    ...patch,
  };
}

const ringClock = (patch: Partial<RingClockReport> = {}): RingClockReport => ({
  timeoutSeconds: 2,
  waitedForAll: true,
  drainSeconds: 2,
  rung: 1000,
  timedOut: 1000,
  stillCalling: 0,
  overdue: 0,
  timeoutEvents: 1000,
  firedTwice: 0,
  withoutEvent: 0,
  early: 0,
  lateness: { p50: 10, p99: 200, max: 400, min: 1 },
  ...patch,
});

const status = (cases: CaseResult[], starts: string) =>
  evaluateTargets(cases).find((t) => t.target.startsWith(starts))?.status;

describe("holds (the sustained criterion)", () => {
  it("keeps 90 % of the reference req/s and a p99 within 2×", () => {
    expect(holds(window(100, 100), window(90, 200))).toBe(true);
    expect(holds(window(100, 100), window(89, 100))).toBe(false);
    expect(holds(window(100, 100), window(100, 201))).toBe(false);
  });
});

describe("evaluateTargets", () => {
  it("the baseline's growth is measured against its last recorded 193 req/s", () => {
    expect(status([measured("baseline-5", { rps: 390 })], "baseline, 5 invitees")).toBe("met");
    expect(status([measured("baseline-5", { rps: 380 })], "baseline, 5 invitees")).toBe("missed");
  });

  it("server CPU per REST invite of 5: rest-5's", () => {
    expect(status([measured("rest-5")], "server CPU")).toBe("met");
    const heavy = measured("rest-5", { cpuMsPerRequest: { server: 3.2, database: 1 } });
    expect(status([heavy], "server CPU")).toBe("missed");
  });

  it("a sustained case must hold over the whole run and in its last minute", () => {
    const sustained = (last: WindowStats) =>
      measured("sustained-5@1h", {
        kind: "sustained",
        sustained: {
          seconds: 600,
          bucketSeconds: 60,
          reference: window(100, 100),
          whole: window(95, 150),
          buckets: [window(100, 100), last],
          rss: { peakBytes: 250 * 2 ** 20, endBytes: 240 * 2 ** 20 },
        },
      });
    expect(status([sustained(window(92, 180))], "sustained, no timeout due")).toBe("met");
    expect(status([sustained(window(80, 180))], "sustained, no timeout due")).toBe("missed");
    expect(status([], "sustained, no timeout due")).toBe("not measured");
    expect(status([sustained(window(92, 180))], "server RSS < 300 MB after")).toBe("met");
  });

  it("timeout accuracy: all timed out, exactly once, p99 lateness ≤ 1 s", () => {
    const run = (r: RingClockReport) => [
      measured("timeouts-5@2s", { kind: "timeouts", ringClock: r }),
    ];
    expect(status(run(ringClock()), "timeout accuracy")).toBe("met");
    const late = ringClock({ lateness: { p50: 500, p99: 1_200, max: 2_000, min: 0 } });
    expect(status(run(late), "timeout accuracy")).toBe("missed");
    expect(status(run(ringClock({ firedTwice: 1 })), "timeout accuracy")).toBe("missed");
    expect(status(run(ringClock({ stillCalling: 3, timedOut: 997 })), "timeout accuracy")).toBe(
      "missed",
    );
  });

  it("two instances: every timeout exactly once", () => {
    const run = (r: RingClockReport) => [
      measured("instances-5@2s", { kind: "instances", ringClock: r }),
    ];
    expect(status(run(ringClock()), "two app servers")).toBe("met");
    expect(status(run(ringClock({ timeoutEvents: 1001 })), "two app servers")).toBe("missed");
  });
});

describe("the RSS target", () => {
  it("is the request path's: a REST case over 300 MB misses it, the channel case's servers do not count", () => {
    const big = 400 * 2 ** 20;
    expect(status([measured("rest-5", { peakRssBytes: big })], "server RSS < 300 MB under")).toBe(
      "missed",
    );
    const channel = measured("channel-1@100", { kind: "channel", peakRssBytes: big });
    expect(status([measured("rest-5"), channel], "server RSS < 300 MB under")).toBe("met");
  });
});
