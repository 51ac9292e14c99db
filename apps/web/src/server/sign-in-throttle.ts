import { SignInThrottle } from "@collab/api";
import { processSingleton } from "@collab/db/process-singleton";
import { currentSettings } from "@collab/settings";

/**
 * The console sign-in throttle of this process (CONSOLE_SIGN_IN_MAX_FAILURES within
 * CONSOLE_SIGN_IN_WINDOW_SECONDS). On globalThis: Next.js may load this module in several
 * bundles of one process, and they must count the same failures.
 */
export function consoleSignInThrottle(): SignInThrottle {
  return processSingleton(
    "@collab/web/sign-in-throttle",
    () => new SignInThrottle(currentSettings().console.signInThrottle),
  );
}
