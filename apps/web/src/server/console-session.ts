import { randomBytes } from "node:crypto";
import {
  appIdFromCookieHeader,
  type ConsoleSessionConfig,
  MIN_SESSION_KEY_LENGTH,
} from "@collab/api";

// The console's session cookie settings. The signing key is CONSOLE_SESSION_SECRET; production
// refuses to sign anyone in without it (every instance must share one key). In development and
// tests a random key is generated per process, so a restart signs everyone out.

const GENERATED_KEY = Symbol.for("@collab/web/console-session-key");
type KeyStore = Record<symbol, string | undefined>;

export class ConsoleSessionConfigError extends Error {
  override readonly name = "ConsoleSessionConfigError";
}

export function consoleSessionConfig(env: NodeJS.ProcessEnv = process.env): ConsoleSessionConfig {
  const configured = env.CONSOLE_SESSION_SECRET?.trim();
  let key: string;
  if (configured) {
    if (configured.length < MIN_SESSION_KEY_LENGTH) {
      throw new ConsoleSessionConfigError(
        `CONSOLE_SESSION_SECRET must be at least ${MIN_SESSION_KEY_LENGTH} characters`,
      );
    }
    key = configured;
  } else if (env.NODE_ENV === "production") {
    throw new ConsoleSessionConfigError(
      "CONSOLE_SESSION_SECRET is not set: it signs the console's session cookies and is required " +
        "in production (e.g. `openssl rand -base64 48`)",
    );
  } else {
    // On globalThis: Next.js may load this module in several bundles of one process.
    const store = globalThis as unknown as KeyStore;
    store[GENERATED_KEY] ??= randomBytes(32).toString("base64url");
    key = store[GENERATED_KEY];
  }
  // Secure everywhere but `next dev` (plain http on a laptop); browsers treat localhost as secure.
  return { key, secure: env.NODE_ENV !== "development" };
}

/** The signed-in app of a request's Cookie header, or null (also when the key is not set). */
export function signedInAppId(cookieHeader: string | null | undefined): string | null {
  try {
    return appIdFromCookieHeader(consoleSessionConfig(), cookieHeader);
  } catch {
    return null;
  }
}
