// Reconnect delays: exponential with full jitter, so many devices dropped at once (a server
// restart) do not all come back in the same instant.

export interface BackoffOptions {
  /** The first delay's upper bound (default 500 ms). */
  readonly initialMs?: number;
  /** No delay is longer (default 30 s). */
  readonly maxMs?: number;
}

export const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000 } as const;

/** The delay before reconnect attempt `attempt` (0 for the first), in ms. */
export function reconnectDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const initialMs = options.initialMs ?? DEFAULT_BACKOFF.initialMs;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(random() * ceiling);
}
