import { SignInThrottle } from "@collab/api";
import { currentSettings } from "@collab/settings";

const THROTTLE = Symbol.for("@collab/web/sign-in-throttle");
type ThrottleStore = Record<symbol, SignInThrottle | undefined>;

/**
 * The console sign-in throttle of this process (CONSOLE_SIGN_IN_MAX_FAILURES within
 * CONSOLE_SIGN_IN_WINDOW_SECONDS). On globalThis: Next.js may load this module in several
 * bundles of one process, and they must count the same failures.
 */
export function consoleSignInThrottle(): SignInThrottle {
  const store = globalThis as unknown as ThrottleStore;
  store[THROTTLE] ??= new SignInThrottle(currentSettings().console.signInThrottle);
  return store[THROTTLE];
}
