import type { ErrorReason } from "@collab/contracts";

// When to try again, and how long to wait. Only the two reasons that mean "the server did not do
// it, try later" are retried: every other error would fail the same way again, and a timeout or
// a broken connection may hide a request that did succeed (these POSTs are not idempotent).

export const RETRYABLE_REASONS: ReadonlySet<ErrorReason> = new Set(["UNAVAILABLE", "RATE_LIMITED"]);

export interface BackoffOptions {
  /** First backoff step; default 250 ms. */
  readonly initialMs?: number;
  /** Largest backoff step; default 8000 ms. */
  readonly maxMs?: number;
  /** A longer `Retry-After` than this is not waited for: the error is thrown; default 60 s. */
  readonly maxRetryAfterMs?: number;
}

export const DEFAULT_BACKOFF = { initialMs: 250, maxMs: 8_000, maxRetryAfterMs: 60_000 } as const;

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date; undefined when absent/invalid. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT") names its day and month.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (1 = the first retry), or undefined to give up.
 * Without Retry-After: exponential backoff with "equal jitter" (half fixed, half random), so
 * clients that failed together spread out but none retries at once. With Retry-After: at least
 * that long, plus up to one initial step of jitter.
 */
export function retryDelay(
  retry: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number | undefined {
  const initialMs = options.initialMs ?? DEFAULT_BACKOFF.initialMs;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_BACKOFF.maxRetryAfterMs;
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > maxRetryAfterMs) return undefined;
    return retryAfterMs + random() * initialMs;
  }
  const step = Math.min(maxMs, initialMs * 2 ** (retry - 1));
  return step / 2 + random() * (step / 2);
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
