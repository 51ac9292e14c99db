import { type Database, findLiveConsoleSession } from "@collab/db";
import type { DomainSettings } from "@collab/domain";
import { createInnerContext, type InnerContext } from "../context";
import { bearerToken } from "../user/authenticate";
import { isSameOriginRequest } from "./same-origin";
import {
  type ConsoleSessionConfig,
  sessionClaimsFromCookieHeader,
  sessionClearCookie,
  sessionMaxAgeSeconds,
  sessionSetCookie,
} from "./session-cookie";
import type { SignInThrottle } from "./sign-in-throttle";

export interface OuterContextOptions {
  readonly req: Request;
  /** The response's headers (tRPC's fetch adapter hands them to createContext). */
  readonly resHeaders: Headers;
  readonly db: Database;
  readonly trace: { readonly id: string };
  /** The deployment's settings the use cases depend on. */
  readonly settings: DomainSettings;
  readonly session: ConsoleSessionConfig;
  /** Counts failed sign-ins (the process's default throttle when absent). */
  readonly signInThrottle?: SignInThrottle;
  /**
   * tRPC's connection parameters of a subscription (sent in its URL by clients that cannot set
   * headers, e.g. a browser's EventSource): `token` is taken as the user token when the request
   * has no Authorization header.
   */
  readonly connectionParams?: Readonly<Record<string, string | undefined>> | null;
}

/** The message of a sign-in refused because the server has no cookie-signing key. */
export const SIGN_IN_DISABLED_MESSAGE =
  "Console sign-in is disabled: CONSOLE_SESSION_SECRET is not set on the server.";

/**
 * The console's outer context, built from the HTTP request: the app (tenant) is the one of the
 * live server-side session its cookie names (one primary-key lookup, only for a correctly signed,
 * unexpired cookie), or null (app procedures then refuse with UNAUTHENTICATED). The browser part
 * lets sign-in and sign-out set and clear the cookie and tells mutations whether the request is
 * same-origin.
 */
export async function createOuterContext(options: OuterContextOptions): Promise<InnerContext> {
  const { req, resHeaders, session: config, db } = options;
  const session = await liveConsoleSession(db, config, req.headers.get("cookie"));
  const key = config.key;
  const userToken =
    bearerToken(req.headers.get("authorization")) ?? options.connectionParams?.token ?? null;
  return createInnerContext({
    db,
    app: session === null ? null : { id: session.appId },
    trace: options.trace,
    settings: options.settings,
    userToken,
    browser: {
      sameOrigin: isSameOriginRequest(req.headers, req.url),
      clientAddress: clientAddressOf(req.headers),
      ...(options.signInThrottle === undefined ? {} : { signInThrottle: options.signInThrottle }),
      sessionId: session?.id ?? null,
      signInDisabled: key === null ? (config.disabledReason ?? SIGN_IN_DISABLED_MESSAGE) : null,
      sessionMaxAgeSeconds: sessionMaxAgeSeconds(config),
      setSessionCookie: (created) => {
        if (key === null) throw new Error("console sign-in is disabled: no session key");
        resHeaders.append("set-cookie", sessionSetCookie({ ...config, key }, created));
      },
      clearSessionCookie: () => resHeaders.append("set-cookie", sessionClearCookie(config)),
    },
  });
}

/**
 * The live session a Cookie header names: its signature and expiry are checked first (a forged or
 * edited cookie costs no database work), then its row (revoked, expired or another app's: null).
 */
export async function liveConsoleSession(
  db: Database,
  config: ConsoleSessionConfig,
  cookieHeader: string | null | undefined,
): Promise<{ readonly id: string; readonly appId: string } | null> {
  const claims = sessionClaimsFromCookieHeader(config, cookieHeader);
  if (claims === null) return null;
  const row = await findLiveConsoleSession(db, claims.sid);
  return row !== null && row.appId === claims.appId ? { id: claims.sid, appId: row.appId } : null;
}

/**
 * The client's address: X-Forwarded-For as the HTTP server in front of Next.js resolved it (one
 * address: the socket's peer, or what a trusted proxy said, per TRUST_PROXY). Should it still be
 * a list (a bare `next start`, which only fills the header when absent), the last entry, the one
 * nearest to this server. Only ever used to narrow the sign-in throttle.
 */
export function clientAddressOf(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  if (forwarded === null) return null;
  const last = forwarded.split(",").at(-1)?.trim() ?? "";
  return last === "" ? null : last.slice(0, 100);
}
