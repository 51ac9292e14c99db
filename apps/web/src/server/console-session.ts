import { randomBytes } from "node:crypto";
import {
  type ConsoleSessionConfig,
  liveConsoleSession,
  SIGN_IN_DISABLED_MESSAGE,
  sessionClaimsFromCookieHeader,
} from "@collab/api";
import { getDb } from "@collab/db";
import { processSingleton } from "@collab/db/process-singleton";
import { currentSettings, type Settings } from "@collab/settings";

// The console's session cookie settings. The signing key is CONSOLE_SESSION_SECRET (a short one
// never gets this far: the settings refuse it at start); production without it disables console
// sign-in with a plain message instead of failing requests. In development and tests a random key
// is generated per process, so a restart signs everyone out.

type ConsoleSettingsOf = Pick<Settings, "console" | "server">;

/**
 * Why the console cannot sign anyone in with these settings, or null when it can: the server
 * entry logs it as a warning at start, and the sign-in page and auth.signIn show it.
 */
export function consoleSessionProblem(settings: ConsoleSettingsOf): string | null {
  return settings.console.sessionSecret === null && settings.server.production
    ? SIGN_IN_DISABLED_MESSAGE
    : null;
}

export function consoleSessionConfig(settings: ConsoleSettingsOf): ConsoleSessionConfig {
  // Secure everywhere but `next dev` (plain http on a laptop); browsers treat localhost as secure.
  const secure = !settings.server.development;
  const problem = consoleSessionProblem(settings);
  if (problem !== null) return { key: null, disabledReason: problem, secure };
  const configured = settings.console.sessionSecret;
  if (configured !== null) return { key: configured, secure };
  // On globalThis: Next.js may load this module in several bundles of one process.
  const key = processSingleton("@collab/web/console-session-key", () =>
    randomBytes(32).toString("base64url"),
  );
  return { key, secure };
}

/**
 * The signed-in app of a request's Cookie header (a live session), or null. When the database
 * cannot be asked, a correctly signed cookie is let through: the page's own calls then say
 * UNAVAILABLE (or UNAUTHENTICATED, once the database answers).
 */
export async function signedInAppId(
  cookieHeader: string | null | undefined,
): Promise<string | null> {
  const settings = currentSettings();
  const config = consoleSessionConfig(settings);
  try {
    const db = await getDb(settings.database);
    const session = await liveConsoleSession(db.prisma, config, cookieHeader);
    return session?.appId ?? null;
  } catch {
    return sessionClaimsFromCookieHeader(config, cookieHeader)?.appId ?? null;
  }
}
