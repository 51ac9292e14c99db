import { randomBytes } from "node:crypto";
import {
  type ConsoleSessionConfig,
  liveConsoleSession,
  MIN_SESSION_KEY_LENGTH,
  SIGN_IN_DISABLED_MESSAGE,
  sessionClaimsFromCookieHeader,
} from "@collab/api";
import { getDb } from "@collab/db";

// The console's session cookie settings. The signing key is CONSOLE_SESSION_SECRET; production
// without it (or with one too short) disables console sign-in with a plain message instead of
// failing requests. In development and tests a random key is generated per process, so a restart
// signs everyone out.

type Env = Readonly<Record<string, string | undefined>>;

const GENERATED_KEY = Symbol.for("@collab/web/console-session-key");
type KeyStore = Record<symbol, string | undefined>;

/**
 * Why the console cannot sign anyone in with this environment, or null when it can: the server
 * entry logs it as a warning at start, and the sign-in page and auth.signIn show it.
 */
export function consoleSessionProblem(env: Env = process.env): string | null {
  const configured = env.CONSOLE_SESSION_SECRET?.trim();
  if (configured) {
    return configured.length < MIN_SESSION_KEY_LENGTH
      ? `Console sign-in is disabled: CONSOLE_SESSION_SECRET must be at least ${MIN_SESSION_KEY_LENGTH} characters.`
      : null;
  }
  return env.NODE_ENV === "production" ? SIGN_IN_DISABLED_MESSAGE : null;
}

export function consoleSessionConfig(env: Env = process.env): ConsoleSessionConfig {
  // Secure everywhere but `next dev` (plain http on a laptop); browsers treat localhost as secure.
  const secure = env.NODE_ENV !== "development";
  const problem = consoleSessionProblem(env);
  if (problem !== null) return { key: null, disabledReason: problem, secure };
  const configured = env.CONSOLE_SESSION_SECRET?.trim();
  if (configured) return { key: configured, secure };
  // On globalThis: Next.js may load this module in several bundles of one process.
  const store = globalThis as unknown as KeyStore;
  store[GENERATED_KEY] ??= randomBytes(32).toString("base64url");
  return { key: store[GENERATED_KEY], secure };
}

/**
 * The signed-in app of a request's Cookie header (a live session), or null. When the database
 * cannot be asked, a correctly signed cookie is let through: the page's own calls then say
 * UNAVAILABLE (or UNAUTHENTICATED, once the database answers).
 */
export async function signedInAppId(
  cookieHeader: string | null | undefined,
): Promise<string | null> {
  const config = consoleSessionConfig();
  try {
    const session = await liveConsoleSession((await getDb()).prisma, config, cookieHeader);
    return session?.appId ?? null;
  } catch {
    return sessionClaimsFromCookieHeader(config, cookieHeader)?.appId ?? null;
  }
}
