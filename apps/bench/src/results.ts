import type { BenchPath, CaseKind } from "./cases";
import type { RingClockReport } from "./database/ring-clock";
import type { DriveResult } from "./load/drive";
import type { SustainedReport } from "./load/timeline";
import type { MachineInfo } from "./machine/info";

/** The two-instance case: what each process did. */
export interface InstancesReport {
  /** Per app server (WORKER_IN_SERVER=0), in start order. */
  readonly servers: readonly {
    readonly requestsPerSecond: number;
    readonly peakRssBytes: number;
    readonly cpuMsPerRequest: number;
  }[];
  /** The one `pnpm worker`: CPU per request of the case (its ring clock's share), peak RSS. */
  readonly worker: { readonly cpuMsPerRequest: number; readonly peakRssBytes: number };
}

/** Invite commit → ring at a subscribed device, ms. */
export interface ChannelLatency {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The user channel case: `measured` is server A's invite throughput with the idle subscribers
 * connected, `withoutSubscribers` the same without them (each over both rounds of phases); then
 * the paced latency phase.
 */
export interface ChannelReport {
  readonly idleSubscribers: number;
  readonly withoutSubscribers: DriveResult;
  /** req/s with the idle subscribers ÷ without. */
  readonly throughputRatio: number;
  /** Both servers' RSS growth once the idle subscribers connected, per subscriber. */
  readonly memoryPerIdleSubscriberBytes: number;
  /** Invites/s actually sent in the latency phase. */
  readonly latencyRate: number;
  /** The watched subscriber on the server that took the invites. */
  readonly sameInstance: ChannelLatency;
  /** The watched subscriber on the other server. */
  readonly otherInstance: ChannelLatency;
  readonly missingRings: number;
  readonly duplicateRings: number;
  readonly inviteErrors: number;
}

export interface MeasuredCase {
  readonly id: string;
  readonly kind: CaseKind;
  readonly path: BenchPath;
  readonly invitees: number;
  readonly connections: number;
  /** Requests/s the load generator was held to; null = as fast as possible. */
  readonly targetRate: number | null;
  /** Where targetRate came from (a case id, or --timeout-rate); null when flat out. */
  readonly rateSource: string | null;
  /** The collaborations' own calling timeout, s; 0 = the deployment's (an hour in the bench). */
  readonly callingTimeoutSeconds: number;
  readonly warmup: DriveResult | null;
  readonly measured: DriveResult;
  /** Peak VmRSS of the server's process tree during the case (warm-up included), bytes. */
  readonly peakRssBytes: number;
  /**
   * CPU time per request (2xx or not) of the measured phase: the server processes (both app
   * servers and the worker in the two-instance case), their DB backends.
   */
  readonly cpuMsPerRequest: { readonly server: number; readonly database: number };
  /** Share of the CPUs busy just before the case, while the benchmark was idle (colleagues). */
  readonly backgroundCpuBusy: number;
  readonly sessionsProvisioned: number;
  /** What the benchmark vacuumed and analyzed during the case, as autovacuum would have
   * ("VACUUM t", "ANALYZE t", "VACUUM ANALYZE t"; auto-analyze.ts). */
  readonly analyzedDuringCase: readonly string[];
  /**
   * member.invited events written vs. what the 2xx responses imply; rung_again must be 0; and,
   * when the case rang with a timeout that came due, the ring clock fired each once, never early.
   */
  readonly check: {
    readonly invitedEvents: number;
    readonly expectedAtLeast: number;
    readonly expectedAtMost: number;
    readonly rungAgainEvents: number;
    readonly ringClockCorrect: boolean | null;
    readonly ok: boolean;
  };
  /** Sustained cases: the run in windows (first 20 s, whole run, per minute) and memory. */
  readonly sustained?: SustainedReport;
  /** Cases whose rings come due: what the ring clock did (database/ring-clock.ts). */
  readonly ringClock?: RingClockReport;
  readonly instances?: InstancesReport;
  readonly channel?: ChannelReport;
}

export interface SkippedCase {
  readonly id: string;
  readonly kind: CaseKind;
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
    readonly sustainedSeconds: number;
    readonly timeoutsSeconds: number;
    readonly poolMax: { readonly server: string; readonly baseline: number };
    /** How planner statistics were kept during the cases (database/auto-analyze.ts). */
    readonly statistics: string;
  };
  readonly cases: readonly CaseResult[];
}
