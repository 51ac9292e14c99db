import { describe, expect, it } from "vitest";
import { silentWorkerLog } from "./log";
import { type LoopOptions, startLoop } from "./loop";

/** A loop with short retries and no log: the tests below set what they are about. */
function testLoop(options: Pick<LoopOptions, "name" | "pass"> & Partial<LoopOptions>) {
  return startLoop({ retryBaseMs: 10, retryMaxMs: 100, log: silentWorkerLog, ...options });
}

/** Resolves once `check` holds, polling every few milliseconds. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe("startLoop", () => {
  it("starts passes at least minGapMs apart through a storm of wakes and 'at once' passes", async () => {
    const starts: number[] = [];
    const loop = testLoop({
      name: "storm",
      minGapMs: 40,
      async pass() {
        starts.push(performance.now());
        return starts.length % 2 === 0 ? 0 : 60_000;
      },
    });
    const storm = setInterval(() => loop.wake(), 1);
    await until(() => starts.length >= 6);
    clearInterval(storm);
    await loop.stop();
    const gaps = starts.slice(1).map((at, i) => at - (starts[i] as number));
    // Measured from inside the pass, a few ms after the loop's own clock reading (the first call
    // compiles); without the gap a storm gives passes about 1 ms apart.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(35);
  });

  it("runs another pass for a wake that came during a pass, and none for a wake during the gap", async () => {
    let passes = 0;
    let releasePass: (() => void) | undefined;
    const loop = testLoop({
      name: "wakes",
      minGapMs: 30,
      async pass() {
        passes += 1;
        if (passes === 1) await new Promise<void>((resolve) => (releasePass = resolve));
        return 60_000;
      },
    });
    await until(() => releasePass !== undefined);
    loop.wake(); // during pass 1: must cause pass 2
    releasePass?.();
    await until(() => passes === 2);
    // Pass 2 sleeps 60 s; a wake ends that sleep and, after the gap, pass 3 runs.
    loop.wake();
    await until(() => passes === 3);
    await loop.stop();
    expect(passes).toBe(3);
  });

  // Either wait is ten minutes: a stop() that did not end it would time the test out.
  it("stops during the gap and during a long sleep", async () => {
    for (const minGapMs of [600_000, 0]) {
      let passes = 0;
      const loop = testLoop({
        name: "stop",
        minGapMs,
        async pass() {
          passes += 1;
          return minGapMs === 0 ? 600_000 : 0;
        },
      });
      await until(() => passes === 1);
      await loop.stop();
      expect(passes).toBe(1);
    }
  });

  it("backs off after a failing pass and recovers", async () => {
    let passes = 0;
    const failed: string[] = [];
    let recovered = 0;
    const loop = testLoop({
      name: "flaky",
      retryBaseMs: 5,
      retryMaxMs: 20,
      report: { ok: () => (recovered += 1), failed: (_name, error) => failed.push(error) },
      async pass() {
        passes += 1;
        if (passes <= 3) throw new Error(`down ${passes}`);
        return 60_000;
      },
    });
    await until(() => recovered === 1);
    await loop.stop();
    expect(failed).toEqual(["down 1", "down 2", "down 3"]);
  });
});
