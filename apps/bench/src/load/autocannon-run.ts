import autocannon from "autocannon";
import type { HttpRequest } from "./invite-request";
import { Samples } from "./stats";

/** What the runs of one measurement add up (shared by paced instances). */
export class Tally {
  readonly samples = new Samples();
  readonly statusCounts: Record<string, number> = {};
  readonly failures: string[] = [];
  /** When each non-2xx response arrived (performance.now() ms), for per-window counts. */
  readonly non2xxAt: number[] = [];
  /** Non-2xx responses, socket errors and timeouts. */
  errors = 0;
}

const KEPT_FAILURES = 3;

/** One tally holding every response of `tallies` (runs against several servers at once). */
export function mergeTallies(tallies: readonly Tally[]): Tally {
  const merged = new Tally();
  for (const tally of tallies) {
    merged.samples.addAll(tally.samples);
    for (const [status, n] of Object.entries(tally.statusCounts)) {
      merged.statusCounts[status] = (merged.statusCounts[status] ?? 0) + n;
    }
    merged.failures.push(...tally.failures.slice(0, KEPT_FAILURES - merged.failures.length));
    merged.non2xxAt.push(...tally.non2xxAt);
    merged.errors += tally.errors;
  }
  return merged;
}

export interface RunOptions {
  readonly baseUrl: string;
  readonly connections: number;
  readonly seconds: number;
  /** autocannon's overallRate (requests per second per run); unlimited when absent. */
  readonly rate?: number;
  readonly nextRequest: () => HttpRequest;
}

/** One autocannon run; every response is recorded in `tally` (latency with sub-ms precision). */
export function runAutocannon(options: RunOptions, tally: Tally): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    // The callback form returns the instance, whose 'response' events carry each latency.
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        duration: options.seconds,
        ...(options.rate === undefined ? {} : { overallRate: options.rate }),
        requests: [
          {
            method: "POST",
            setupRequest: (request) => ({ ...request, ...options.nextRequest() }),
            onResponse: (status, body) => {
              if ((status < 200 || status > 299) && tally.failures.length < KEPT_FAILURES) {
                tally.failures.push(`${status} ${body.slice(0, 300)}`);
              }
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        tally.errors += result.non2xx + result.errors;
        resolve(result);
      },
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      tally.statusCounts[statusCode] = (tally.statusCounts[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode <= 299) tally.samples.add(responseTime);
      else tally.non2xxAt.push(performance.now());
    });
  });
}
