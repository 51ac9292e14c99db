import { describe, expect, it } from "vitest";
import { Tally } from "./autocannon-run";
import { sustainedReport, timelineShape, windowStats } from "./timeline";

/** A tally with one response of `latency` ms every `everyMs`, from `start` for `seconds`. */
function steady(start: number, seconds: number, everyMs: number, latency: (t: number) => number) {
  const tally = new Tally();
  for (let t = 0; t < seconds * 1000; t += everyMs) tally.samples.add(latency(t), start + t);
  return tally;
}

describe("timelineShape", () => {
  it("a full run: the first 20 s, then a bucket a minute", () => {
    expect(timelineShape(600)).toEqual({ referenceSeconds: 20, bucketSeconds: 60, markSeconds: 5 });
  });
  it("a short try keeps a reference and a few buckets", () => {
    expect(timelineShape(2)).toEqual({ referenceSeconds: 1, bucketSeconds: 1, markSeconds: 1 });
    expect(timelineShape(30)).toMatchObject({ referenceSeconds: 15, bucketSeconds: 8 });
  });
});

describe("windowStats", () => {
  it("counts responses by arrival time and their latencies", () => {
    const tally = steady(1_000, 10, 10, (t) => (t < 5_000 ? 10 : 30));
    tally.non2xxAt.push(1_000 + 6_000);
    const first = windowStats(tally, 1_000, 0, 5, [], []);
    expect(first.ok).toBe(500);
    expect(first.requestsPerSecond).toBe(100);
    expect(first.p99).toBe(10);
    const second = windowStats(tally, 1_000, 5, 10, [], []);
    expect(second.p50).toBe(30);
    expect(second.non2xx).toBe(1);
    expect(second.serverCpuMsPerRequest).toBeNull();
  });

  it("divides the CPU between the readings around the window by its requests", () => {
    const tally = steady(0, 10, 10, () => 5);
    const mark = (at: number, server: number, database: number) => ({
      at,
      server: new Map([[1, server]]),
      database: new Map([[2, database]]),
    });
    const marks = [mark(0, 0, 0), mark(5_000, 1_000, 500), mark(10_000, 3_000, 1_500)];
    const w = windowStats(tally, 0, 5, 10, marks, [
      { at: 4_000, bytes: 900 },
      { at: 6_000, bytes: 100 },
      { at: 7_000, bytes: 300 },
    ]);
    // 500 requests, 2 000 ms server and 1 000 ms database CPU between the marks at 5 s and 10 s.
    expect(w.serverCpuMsPerRequest).toBe(4);
    expect(w.databaseCpuMsPerRequest).toBe(2);
    expect(w.peakRssBytes).toBe(300);
  });
});

describe("sustainedReport", () => {
  it("a run that slows down: buckets show where, the whole run averages it", () => {
    // 100 req/s for 2 minutes, then 50 req/s with doubled latency for a third.
    const tally = steady(0, 120, 10, () => 20);
    for (let t = 120_000; t < 180_000; t += 20) tally.samples.add(40, t);
    const report = sustainedReport(
      tally,
      0,
      180,
      [],
      [
        { at: 1_000, bytes: 200 },
        { at: 179_000, bytes: 250 },
        { at: 181_000, bytes: 999 },
      ],
    );
    expect(report.bucketSeconds).toBe(60);
    expect(report.reference.requestsPerSecond).toBe(100);
    expect(report.buckets.map((b) => b.requestsPerSecond)).toEqual([100, 100, 50]);
    expect(report.buckets[2]?.p99).toBe(40);
    expect(report.whole.requestsPerSecond).toBeCloseTo(250 / 3, 5);
    // Memory during the run only: the reading after it is not "at the end".
    expect(report.rss).toEqual({ peakBytes: 250, endBytes: 250 });
  });
});
