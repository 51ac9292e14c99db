import { type LimitStore, SignInThrottle } from "@collab/api";
import { processSlot } from "@collab/db/process-singleton";
import { currentSettings } from "@collab/settings";

const THROTTLE = processSlot<SignInThrottle>("@collab/web/sign-in-throttle");

/**
 * The console sign-in throttle of this process (CONSOLE_SIGN_IN_MAX_FAILURES within
 * CONSOLE_SIGN_IN_WINDOW_SECONDS), counting in the process's limit store (shared by every
 * instance unless RATE_LIMIT_STORE=memory). One per process: Next.js may load this module in
 * several bundles of one process, and they must count the same failures.
 */
export function consoleSignInThrottle(store: LimitStore): SignInThrottle {
  const existing = THROTTLE.get();
  if (existing?.options.store === store) return existing;
  const throttle = new SignInThrottle({ ...currentSettings().console.signInThrottle, store });
  THROTTLE.set(throttle);
  return throttle;
}
