import { readFileSync } from "node:fs";
import type pg from "pg";
import { serverPids } from "../servers/rss";

// CPU time spent by a process tree, and by the PostgreSQL backends serving one application: per
// request, it says what each layer costs even when colleagues' work slows the wall clock down.

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the ")" that ends the command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export type CpuSnapshot = ReadonlyMap<number, number>;

function snapshot(pids: readonly number[]): CpuSnapshot {
  return new Map(pids.map((pid) => [pid, cpuMsOf(pid)]));
}

/** CPU ms used between two snapshots (processes that appeared in between count in full). */
export function cpuMsBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

export function serverCpu(pid: number): CpuSnapshot {
  return snapshot(serverPids(pid));
}

/** The backends of `applicationName` connected to the current database (same machine). */
export async function backendCpu(db: pg.Pool, applicationName: string): Promise<CpuSnapshot> {
  const { rows } = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
    [applicationName],
  );
  return snapshot(rows.map((row) => row.pid));
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
