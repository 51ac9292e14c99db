import { readFileSync } from "node:fs";
import type pg from "pg";
import { serverPids } from "../servers/rss";

// CPU time spent by a process tree, and by the PostgreSQL backends serving one application: per
// request, it says what each layer costs even when colleagues' work slows the wall clock down.

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime (fields 14 and 15 of /proc/<pid>/stat), or null once the process is gone. */
function cpuMsOrNull(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the ")" that ends the command name.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

const cpuMsOf = (pid: number): number => cpuMsOrNull(pid) ?? 0;

/**
 * CPU ms by pid. A backend snapshot also holds, under ENDED, what the backends that ended since
 * tracking began had used in all (the pool retires connections: DATABASE_CONNECTION_LIFETIME_SECONDS).
 */
export type CpuSnapshot = ReadonlyMap<number, number>;

/** The key of CpuSnapshot's ended-backends entry (no pid is negative). */
export const ENDED = -1;

function snapshot(pids: readonly number[]): CpuSnapshot {
  return new Map(pids.map((pid) => [pid, cpuMsOf(pid)]));
}

/**
 * CPU ms used between two snapshots (processes that appeared in between count in full). With an
 * ENDED entry, a process gone since `before` is in its growth with its whole life, so what it had
 * used by `before` is taken off; without one, what it used since is lost.
 */
export function cpuMsBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  if (after.has(ENDED)) {
    for (const [pid, ms] of before) if (pid !== ENDED && !after.has(pid)) total -= ms;
  }
  return total;
}

export function serverCpu(pid: number): CpuSnapshot {
  return snapshot(serverPids(pid));
}

/** How often a tracked backend's CPU is read, and how often new backends are looked for. */
const BACKEND_READ_MS = 200;
const BACKEND_LIST_MS = 1_000;

interface BackendTracker {
  /** Last reading of each backend alive. */
  readonly live: Map<number, number>;
  /** The last readings of the backends that ended, summed. */
  endedMs: number;
  read(): void;
  list(): Promise<void>;
}

const trackers = new WeakMap<pg.Pool, Map<string, BackendTracker>>();

/**
 * Follows the backends of `applicationName` from now on, until `db` is ended (its timers stop
 * then), so that one which ends between two snapshots still counts, up to its last reading (a
 * pool retires idle connections, so what it used after that is next to nothing).
 */
function trackBackends(db: pg.Pool, applicationName: string): BackendTracker {
  const tracker: BackendTracker = {
    live: new Map(),
    endedMs: 0,
    read() {
      for (const [pid, last] of tracker.live) {
        const ms = cpuMsOrNull(pid);
        if (ms === null) {
          tracker.endedMs += last;
          tracker.live.delete(pid);
        } else {
          tracker.live.set(pid, ms);
        }
      }
    },
    async list() {
      const { rows } = await db.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
        [applicationName],
      );
      for (const { pid } of rows) {
        if (tracker.live.has(pid)) continue;
        const ms = cpuMsOrNull(pid);
        if (ms !== null) tracker.live.set(pid, ms);
      }
    },
  };
  const reading = setInterval(() => tracker.read(), BACKEND_READ_MS).unref();
  const listing = setInterval(() => {
    if (db.ending) {
      clearInterval(reading);
      clearInterval(listing);
      return;
    }
    void tracker.list().catch(() => {});
  }, BACKEND_LIST_MS).unref();
  return tracker;
}

/**
 * The backends of `applicationName` connected to the current database (same machine), and under
 * ENDED those of them that ended since the first call for this pool and name.
 */
export async function backendCpu(db: pg.Pool, applicationName: string): Promise<CpuSnapshot> {
  let byName = trackers.get(db);
  if (byName === undefined) {
    byName = new Map();
    trackers.set(db, byName);
  }
  let tracker = byName.get(applicationName);
  if (tracker === undefined) {
    tracker = trackBackends(db, applicationName);
    byName.set(applicationName, tracker);
  }
  tracker.read();
  await tracker.list();
  return new Map([...tracker.live, [ENDED, tracker.endedMs]]);
}

/**
 * Waits until the servers' process trees are idle: under `busyShare` of one CPU over a window of
 * `windowMs`, or `maxMs` in all (then it returns false). For what a burst (connecting a thousand
 * subscribers) leaves behind before a measurement starts.
 */
export async function untilServersIdle(
  pids: readonly number[],
  { busyShare = 0.05, windowMs = 500, maxMs = 15_000 } = {},
): Promise<boolean> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    const before = pids.map(serverCpu);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const used = pids.reduce(
      (sum, pid, i) => sum + cpuMsBetween(before[i] ?? new Map(), serverCpu(pid)),
      0,
    );
    if (used < busyShare * windowMs) return true;
  }
  return false;
}
