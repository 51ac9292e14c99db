import type { Database } from "@collab/db";
import { createInnerContext, type InnerContext } from "../context";
import { isSameOriginRequest } from "./same-origin";
import {
  appIdFromCookieHeader,
  type ConsoleSessionConfig,
  sessionClearCookie,
  sessionSetCookie,
} from "./session-cookie";
import type { SignInThrottle } from "./sign-in-throttle";

export interface OuterContextOptions {
  readonly req: Request;
  /** The response's headers (tRPC's fetch adapter hands them to createContext). */
  readonly resHeaders: Headers;
  readonly db: Database;
  readonly trace: { readonly id: string };
  readonly session: ConsoleSessionConfig;
  /** Counts failed sign-ins (the process's default throttle when absent). */
  readonly signInThrottle?: SignInThrottle;
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
      clientAddress: clientAddressOf(req.headers),
      ...(options.signInThrottle === undefined ? {} : { signInThrottle: options.signInThrottle }),
      signIn: (app) => resHeaders.append("set-cookie", sessionSetCookie(session, app.id)),
      signOut: () => resHeaders.append("set-cookie", sessionClearCookie(session)),
    },
  });
}

/**
 * The client's address: the last X-Forwarded-For entry, i.e. the one the nearest proxy added (Next.js
 * sets the header to the socket's peer when the request has none). A client talking to the server
 * directly can write the header itself, so this only narrows the sign-in throttle, never widens it.
 */
export function clientAddressOf(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  if (forwarded === null) return null;
  const last = forwarded.split(",").at(-1)?.trim() ?? "";
  return last === "" ? null : last.slice(0, 100);
}
