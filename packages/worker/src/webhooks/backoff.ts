/**
 * Delay before the retry that follows the `failures`-th failed attempt of an event: base × 2^(n−1)
 * capped at `maxMs`, with ±20 % jitter so receivers coming back are not hit by every stream at
 * once. failures = 1 → ~base.
 */
export function retryDelayMs(
  failures: number,
  settings: { readonly backoffBaseMs: number; readonly backoffMaxMs: number },
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 40);
  const delay = Math.min(settings.backoffBaseMs * 2 ** exponent, settings.backoffMaxMs);
  return Math.max(1, Math.round(delay * (0.8 + 0.4 * random())));
}
