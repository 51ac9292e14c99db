import { readFileSync } from "node:fs";
import type pg from "pg";
import { serverPids } from "../servers/rss";

// CPU time spent by a process tree, and by the PostgreSQL backends serving one application: per
// request, it says what each layer costs even when colleagues' work slows the wall clock down.

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Fields of /proc/<pid>/stat after the ")" that ends the command name (state is [0]). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

const ticksToMs = (ticks: string | undefined) => (Number(ticks ?? 0) * 1000) / TICKS_PER_SECOND;

/** utime + stime (fields 14 and 15 of stat). */
function cpuMsOf(pid: number): number {
  const fields = statFields(pid);
  return fields === null ? 0 : ticksToMs(fields[11]) + ticksToMs(fields[12]);
}

/**
 * CPU ms by pid. A backend snapshot also holds, under the postmaster's pid negated, what the
 * postmaster's reaped children used in all (cutime + cstime): backends that ended, e.g. pooled
 * connections retired at the end of their lifetime, count that way.
 */
export type CpuSnapshot = ReadonlyMap<number, number>;

function snapshot(pids: readonly number[]): CpuSnapshot {
  return new Map(pids.map((pid) => [pid, cpuMsOf(pid)]));
}

/**
 * CPU ms used between two snapshots (processes that appeared in between count in full). With a
 * reaped-children entry, a process gone since `before` is in its growth with its whole life, so
 * what it had used by `before` is taken off; without one, what it used since is lost.
 */
export function cpuMsBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let total = 0;
  let reaped = false;
  for (const [pid, ms] of after) {
    total += ms - (before.get(pid) ?? 0);
    if (pid < 0) reaped = true;
  }
  if (reaped) {
    for (const [pid, ms] of before) if (pid > 0 && !after.has(pid)) total -= ms;
  }
  return total;
}

export function serverCpu(pid: number): CpuSnapshot {
  return snapshot(serverPids(pid));
}

/**
 * The backends of `applicationName` connected to the current database (same machine), and the
 * postmaster's reaped children: every backend that ended, whichever application's (the
 * benchmark's own connections are long-lived, so in practice the app's retired ones).
 */
export async function backendCpu(db: pg.Pool, applicationName: string): Promise<CpuSnapshot> {
  const { rows } = await db.query<{ pid: number; own: boolean }>(
    `SELECT pid, pid = pg_backend_pid() AS own FROM pg_stat_activity
      WHERE datname = current_database() AND (application_name = $1 OR pid = pg_backend_pid())`,
    [applicationName],
  );
  const own = rows.find((row) => row.own)?.pid;
  const cpu = new Map(rows.filter((row) => !row.own).map((row) => [row.pid, cpuMsOf(row.pid)]));
  const postmaster = own === undefined ? undefined : Number(statFields(own)?.[1]);
  const children = postmaster === undefined ? null : statFields(postmaster);
  if (postmaster !== undefined && children !== null) {
    cpu.set(-postmaster, ticksToMs(children[13]) + ticksToMs(children[14]));
  }
  return cpu;
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
