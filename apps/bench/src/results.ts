import type { BenchPath } from "./cases";
import type { DriveResult } from "./load/drive";
import type { MachineInfo } from "./machine/info";

export interface MeasuredCase {
  readonly id: string;
  readonly path: BenchPath;
  readonly invitees: number;
  readonly connections: number;
  /** Requests/s the load generator was held to; null = as fast as possible. */
  readonly targetRate: number | null;
  readonly warmup: DriveResult | null;
  readonly measured: DriveResult;
  /** Peak VmRSS of the server's process tree during the case (warm-up included), bytes. */
  readonly peakRssBytes: number;
  /** CPU time per request (2xx or not) of the measured phase: server process tree, its DB backends. */
  readonly cpuMsPerRequest: { readonly server: number; readonly database: number };
  /** Share of the CPUs busy just before the case, while the benchmark was idle (colleagues). */
  readonly backgroundCpuBusy: number;
  readonly sessionsProvisioned: number;
  /** member.invited events written vs. what the 2xx responses imply; rung_again must be 0. */
  readonly check: {
    readonly invitedEvents: number;
    readonly expectedAtLeast: number;
    readonly expectedAtMost: number;
    readonly rungAgainEvents: number;
    readonly ok: boolean;
  };
}

export interface SkippedCase {
  readonly id: string;
  readonly path: BenchPath;
  readonly invitees: number;
  readonly skipped: string;
}

export type CaseResult = MeasuredCase | SkippedCase;

export function isMeasured(result: CaseResult): result is MeasuredCase {
  return !("skipped" in result);
}

export interface BenchResult {
  readonly mode: "full" | "smoke" | "partial";
  readonly startedAt: string;
  readonly finishedAt: string;
  /** os.loadavg() (1, 5, 15 min) when the run started: other work on a shared machine. */
  readonly loadAverageAtStart: readonly number[];
  readonly machine: MachineInfo;
  readonly settings: {
    readonly connections: number;
    readonly warmupSeconds: number;
    readonly durationSeconds: number;
    readonly poolMax: { readonly rest: string; readonly baseline: number };
  };
  readonly cases: readonly CaseResult[];
}
