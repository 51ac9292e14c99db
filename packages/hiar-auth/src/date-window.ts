/** Default allowed clock skew, both directions (docs/hiar-api.md, "Date window and nonces": ±300 s, configurable). */
export const DEFAULT_WINDOW_SECONDS = 300;

export type DateWindowResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: "REQUEST_EXPIRED"; readonly message: string };

/**
 * Whether a request date lies within ±windowSeconds of now, edges included (exactly 300 s
 * away passes, 301 s fails). Future dates are refused as well as past ones: a date far ahead
 * would keep a captured request replayable, and stretch how long its nonce must be stored.
 */
export function checkDateWindow(
  date: number | Date,
  now: number | Date = Date.now(),
  windowSeconds: number = DEFAULT_WINDOW_SECONDS,
): DateWindowResult {
  assertWindow(windowSeconds);
  const skewMs = toMs(date) - toMs(now);
  if (Number.isNaN(skewMs) || Math.abs(skewMs) > windowSeconds * 1000) {
    return {
      ok: false,
      reason: "REQUEST_EXPIRED",
      message: `X-HIAR-OPENAPI-DATE is more than ${windowSeconds} s from the server clock`,
    };
  }
  return { ok: true };
}

/** Window sizes are configuration; a bad one is a programming error, not a request error. */
export function assertWindow(windowSeconds: number): void {
  if (!Number.isFinite(windowSeconds) || windowSeconds <= 0) {
    throw new RangeError("windowSeconds must be a positive finite number");
  }
}

function toMs(t: number | Date): number {
  return typeof t === "number" ? t : t.getTime();
}
