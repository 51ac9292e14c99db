import type { Database } from "@collab/db";
import { createInnerContext, type InnerContext } from "../context";
import { isSameOriginRequest } from "./same-origin";
import {
  appIdFromCookieHeader,
  type ConsoleSessionConfig,
  sessionClearCookie,
  sessionSetCookie,
} from "./session-cookie";

export interface OuterContextOptions {
  readonly req: Request;
  /** The response's headers (tRPC's fetch adapter hands them to createContext). */
  readonly resHeaders: Headers;
  readonly db: Database;
  readonly trace: { readonly id: string };
  readonly session: ConsoleSessionConfig;
}

/**
 * The console's outer context, built from the HTTP request: the app (tenant) is the one in a
 * valid session cookie, or null (app procedures then refuse with UNAUTHENTICATED). The browser
 * part lets sign-in and sign-out set the cookie and tells mutations whether the request is
 * same-origin.
 */
export function createOuterContext(options: OuterContextOptions): InnerContext {
  const { req, resHeaders, session } = options;
  const appId = appIdFromCookieHeader(session, req.headers.get("cookie"));
  return createInnerContext({
    db: options.db,
    app: appId === null ? null : { id: appId },
    trace: options.trace,
    browser: {
      sameOrigin: isSameOriginRequest(req.headers),
      signIn: (app) => resHeaders.append("set-cookie", sessionSetCookie(session, app.id)),
      signOut: () => resHeaders.append("set-cookie", sessionClearCookie(session)),
    },
  });
}
