import { runAutocannon, Tally } from "./autocannon-run";
import type { HttpRequest } from "./invite-request";

export interface DriveOptions {
  readonly baseUrl: string;
  readonly connections: number;
  readonly seconds: number;
  /** Requests per second over all connections, evenly paced; unlimited when absent. */
  readonly overallRate?: number;
  /** Called once per request, just before it is sent (fresh nonce, date and members each time). */
  readonly nextRequest: () => HttpRequest;
}

export interface DriveResult {
  readonly seconds: number;
  readonly ok: number;
  /** Non-2xx responses, socket errors and timeouts. */
  readonly errors: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly requestsPerSecond: number;
  /** Latency of 2xx responses, ms. */
  readonly latency: {
    readonly p50: number;
    readonly p99: number;
    readonly mean: number;
    readonly max: number;
  };
  /** First few non-2xx bodies, for the error report. */
  readonly failures: readonly string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * autocannon's rate limit lets each connection send its whole per-second quota at the start of
 * every second, all connections in step: a burst of `rate` requests, then silence, which
 * measures a queue, not a server at that rate. So a paced run is one single-connection run per
 * connection, started 1/n s apart, each limited to its share of the rate.
 */
async function paced(options: DriveOptions, rate: number, tally: Tally): Promise<number> {
  const n = Math.max(1, Math.min(options.connections, Math.floor(rate)));
  const shares = Array.from({ length: n }, (_, i) => Math.floor(rate / n) + (i < rate % n ? 1 : 0));
  await Promise.all(
    shares.map(async (share, i) => {
      await sleep((i * 1000) / n);
      await runAutocannon({ ...options, connections: 1, rate: share }, tally);
    }),
  );
  // Each run lasts `seconds`, staggered by under 1 s: together they hold `rate` for `seconds`.
  return options.seconds;
}

/**
 * Drives `options.connections` connections for `options.seconds`, flat out or paced. Pass a
 * `tally` to look at the individual responses afterwards (e.g. cut a long run into windows).
 */
export async function drive(options: DriveOptions, tally = new Tally()): Promise<DriveResult> {
  const seconds =
    options.overallRate === undefined
      ? (await runAutocannon(options, tally)).duration
      : await paced(options, options.overallRate, tally);
  return summariseTally(tally, seconds);
}

/** The result of `seconds` of load from what `tally` recorded. */
export function summariseTally(tally: Tally, seconds: number): DriveResult {
  const ok = tally.samples.count;
  return {
    seconds,
    ok,
    errors: tally.errors,
    statusCounts: tally.statusCounts,
    requestsPerSecond: ok / seconds,
    latency: tally.samples.summary(),
    failures: tally.failures,
  };
}
