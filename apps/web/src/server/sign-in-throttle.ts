import { type LimitStore, SignInThrottle } from "@collab/api";
import { currentSettings } from "@collab/settings";

const THROTTLE = Symbol.for("@collab/web/sign-in-throttle");
type ThrottleHolder = Record<symbol, SignInThrottle | undefined>;

/**
 * The console sign-in throttle of this process (CONSOLE_SIGN_IN_MAX_FAILURES within
 * CONSOLE_SIGN_IN_WINDOW_SECONDS), counting in the process's limit store (shared by every
 * instance unless RATE_LIMIT_STORE=memory). On globalThis: Next.js may load this module in
 * several bundles of one process, and they must count the same failures.
 */
export function consoleSignInThrottle(store: LimitStore): SignInThrottle {
  const holder = globalThis as unknown as ThrottleHolder;
  const existing = holder[THROTTLE];
  if (existing?.options.store === store) return existing;
  const throttle = new SignInThrottle({ ...currentSettings().console.signInThrottle, store });
  holder[THROTTLE] = throttle;
  return throttle;
}
