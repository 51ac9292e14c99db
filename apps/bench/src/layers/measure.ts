import type pg from "pg";
import { backendCpu, cpuMsBetween } from "../machine/cpu-time";

export interface LayerCost {
  /** CPU of this process per operation, ms. */
  readonly nodeMs: number;
  /** CPU of the PostgreSQL backends of `applicationName` per operation, ms. */
  readonly dbMs: number;
}

const WORKERS = 8;

/** Runs `op` `count` times, 8 at a time (after 20 warm-up rounds), and returns its CPU per op. */
export async function measure(
  admin: pg.Pool,
  applicationName: string,
  count: number,
  op: () => Promise<unknown>,
): Promise<LayerCost> {
  const loop = async (n: number) => {
    for (let i = 0; i < n; i++) await op();
  };
  await Promise.all(Array.from({ length: WORKERS }, () => loop(20)));
  const db = await backendCpu(admin, applicationName);
  const node = process.cpuUsage();
  await Promise.all(Array.from({ length: WORKERS }, () => loop(Math.ceil(count / WORKERS))));
  const used = process.cpuUsage(node);
  const total = WORKERS * Math.ceil(count / WORKERS);
  return {
    nodeMs: (used.user + used.system) / 1000 / total,
    dbMs: cpuMsBetween(db, await backendCpu(admin, applicationName)) / total,
  };
}
