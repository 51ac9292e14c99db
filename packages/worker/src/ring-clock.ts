import { type Database, sessionEventSignalFor } from "@collab/db";
import { timeOutDueCalls } from "@collab/domain";
import type { Metrics } from "@collab/metrics";
import type { WorkerLog } from "./log";
import { type Loop, type LoopReport, startLoop } from "./loop";

// The ring clock: the loop that fires calling timeouts. Each pass is one sweep statement
// (@collab/domain timeOutDueCalls): it times out up to a batch of rings whose deadline passed and
// tells how long until the next deadline. A full batch sweeps again next; otherwise the loop
// sleeps until that deadline, but never longer than `sweepIntervalMs` (a ring made meanwhile may be
// due sooner), and sweeps start at least SWEEP_GATHER_MS apart. Any number of ring clocks may run,
// in one process or many: the sweep locks what it takes (SKIP LOCKED), within its own statement
// only.

export const RING_CLOCK = "ring clock";

/**
 * Sweeps start at least this far apart (at most the sweep interval). Under load a deadline passes
 * every few milliseconds; sweeping at each would be hundreds of sweeps a second of one invite's
 * rings each, every one paying the statement's fixed cost, its NOTIFY and the wake-up of every
 * reader of session events: 4× the database CPU per timeout of sweeping 50 at a time. Gathering
 * 50 ms of due rings per sweep adds at most that to a timeout's lateness; a backlog still drains
 * at a full batch per sweep, as a full batch takes about as long as the gap.
 */
export const SWEEP_GATHER_MS = 50;

export interface RingClockOptions {
  readonly db: Database;
  readonly sweepIntervalMs: number;
  readonly sweepBatchSize: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly log: WorkerLog;
  readonly report?: LoopReport;
  readonly metrics?: Metrics;
}

export function startRingClock(options: RingClockOptions): Loop {
  const { db, log } = options;
  return startLoop({
    name: RING_CLOCK,
    retryBaseMs: options.retryBaseMs,
    retryMaxMs: options.retryMaxMs,
    log,
    report: options.report,
    minGapMs: Math.min(SWEEP_GATHER_MS, options.sweepIntervalMs),
    async pass() {
      const startedAt = performance.now();
      const sweep = await timeOutDueCalls({ db }, { batchSize: options.sweepBatchSize });
      options.metrics?.observeSweep({
        seconds: (performance.now() - startedAt) / 1_000,
        lateSeconds: sweep.timedOut.map((member) => member.lateMs / 1_000),
      });
      if (sweep.timedOut.length > 0) {
        // Committed: the rung users' devices (user channel) and webhooks hear of it now.
        sessionEventSignalFor(db).notify();
        log.info(
          {
            members: sweep.timedOut.length,
            sessions: new Set(sweep.timedOut.map((m) => m.sessionId)).size,
          },
          "calling timeouts fired",
        );
      }
      if (sweep.more) return 0;
      return Math.min(sweep.nextDueInMs ?? options.sweepIntervalMs, options.sweepIntervalMs);
    },
  });
}
