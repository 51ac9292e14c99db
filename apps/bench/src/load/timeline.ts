import { type CpuSnapshot, cpuMsBetween } from "../machine/cpu-time";
import type { RssSample } from "../servers/rss";
import type { Tally } from "./autocannon-run";

// A long run cut into windows: the first seconds (the reference a sustained run is held to), the
// whole run and fixed buckets (a minute each in a long run), each with its throughput, latency,
// CPU per request and memory. Windows are by the moment responses arrived.

/** Cumulative CPU readings taken during the run (server processes, their PostgreSQL backends). */
export interface CpuMark {
  /** performance.now() ms. */
  readonly at: number;
  readonly server: CpuSnapshot;
  readonly database: CpuSnapshot;
}

export interface WindowStats {
  /** Seconds since the measured run started. */
  readonly fromSeconds: number;
  readonly toSeconds: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU per request (2xx or not) in the window; null without readings around it. */
  readonly serverCpuMsPerRequest: number | null;
  readonly databaseCpuMsPerRequest: number | null;
  /** Peak of the RSS samples in the window (bytes). */
  readonly peakRssBytes: number;
}

export interface SustainedReport {
  readonly seconds: number;
  readonly bucketSeconds: number;
  /** The first `referenceSeconds` (20 in a full run): what the rest is compared with. */
  readonly reference: WindowStats;
  readonly whole: WindowStats;
  readonly buckets: readonly WindowStats[];
  /** The server's RSS over the run: its peak and its last reading, at the end of the load. */
  readonly rss: { readonly peakBytes: number; readonly endBytes: number };
}

/** Window lengths for a run of `seconds`: a minute per bucket from two minutes on. */
export function timelineShape(seconds: number): {
  referenceSeconds: number;
  bucketSeconds: number;
  markSeconds: number;
} {
  const long = seconds >= 120;
  return {
    referenceSeconds: Math.min(20, seconds / 2),
    bucketSeconds: long ? 60 : Math.max(1, Math.ceil(seconds / 4)),
    markSeconds: long ? 5 : 1,
  };
}

function nearestMark(marks: readonly CpuMark[], at: number): CpuMark | undefined {
  let best: CpuMark | undefined;
  for (const mark of marks) {
    if (best === undefined || Math.abs(mark.at - at) < Math.abs(best.at - at)) best = mark;
  }
  return best;
}

export function windowStats(
  tally: Tally,
  startMs: number,
  fromSeconds: number,
  toSeconds: number,
  marks: readonly CpuMark[],
  rss: readonly RssSample[],
): WindowStats {
  const from = startMs + fromSeconds * 1000;
  const to = startMs + toSeconds * 1000;
  const { count, latency } = tally.samples.window(from, to);
  const non2xx = tally.non2xxAt.filter((at) => at >= from && at < to).length;
  const requests = count + non2xx;
  const before = nearestMark(marks, from);
  const after = nearestMark(marks, to);
  const usable = before !== undefined && after !== undefined && after.at > before.at;
  let peakRssBytes = 0;
  for (const sample of rss) {
    if (sample.at >= from && sample.at <= to) peakRssBytes = Math.max(peakRssBytes, sample.bytes);
  }
  return {
    fromSeconds,
    toSeconds,
    ok: count,
    non2xx,
    requestsPerSecond: count / Math.max(toSeconds - fromSeconds, 1e-9),
    p50: latency.p50,
    p99: latency.p99,
    serverCpuMsPerRequest:
      usable && requests > 0 ? cpuMsBetween(before.server, after.server) / requests : null,
    databaseCpuMsPerRequest:
      usable && requests > 0 ? cpuMsBetween(before.database, after.database) / requests : null,
    peakRssBytes,
  };
}

/** The sustained run's report from its responses, CPU marks and RSS samples. */
export function sustainedReport(
  tally: Tally,
  startMs: number,
  seconds: number,
  marks: readonly CpuMark[],
  rss: readonly RssSample[],
): SustainedReport {
  const shape = timelineShape(seconds);
  const buckets: WindowStats[] = [];
  for (let from = 0; from < seconds - 1e-9; from += shape.bucketSeconds) {
    buckets.push(
      windowStats(tally, startMs, from, Math.min(seconds, from + shape.bucketSeconds), marks, rss),
    );
  }
  const during = rss.filter((s) => s.at >= startMs && s.at <= startMs + seconds * 1000);
  return {
    seconds,
    bucketSeconds: shape.bucketSeconds,
    reference: windowStats(tally, startMs, 0, shape.referenceSeconds, marks, rss),
    whole: windowStats(tally, startMs, 0, seconds, marks, rss),
    buckets,
    rss: {
      peakBytes: during.reduce((peak, s) => Math.max(peak, s.bytes), 0),
      endBytes: during.at(-1)?.bytes ?? 0,
    },
  };
}
