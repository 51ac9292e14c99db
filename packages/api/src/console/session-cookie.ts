import { createHmac, timingSafeEqual } from "node:crypto";

// The console's session cookie: `<payload>.<signature>`, both base64url, the payload a small JSON
// object naming a server-side session (table console_session) and its app, the signature
// HMAC-SHA256 over the payload text with the server's key (CONSOLE_SESSION_SECRET). The signature
// lets any instance refuse a forged or edited cookie without a database lookup; the session row
// is what makes it revocable (sign-out, "sign out everywhere"), checked on every call.

/** How long a sign-in lasts. */
export const CONSOLE_SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export interface ConsoleSessionConfig {
  /**
   * HMAC key (CONSOLE_SESSION_SECRET, or generated per process in development and tests). Null:
   * console sign-in is disabled (`disabledReason` says why) and no cookie is accepted.
   */
  readonly key: string | null;
  /** Why sign-in is disabled, shown to the operator (e.g. CONSOLE_SESSION_SECRET is not set). */
  readonly disabledReason?: string;
  /** Secure cookie (and the __Host- prefix): everywhere but development over plain http. */
  readonly secure: boolean;
  readonly maxAgeSeconds?: number;
}

export interface ConsoleSessionClaims {
  /** The server-side session (console_session.id). */
  readonly sid: string;
  /** The app (tenant) the operator signed in as. */
  readonly appId: string;
  /** Issued / expires, unix seconds. */
  readonly iat: number;
  readonly exp: number;
}

/**
 * `__Host-` binds a Secure cookie to this exact host and path "/" (no Domain attribute can widen
 * it); browsers only accept that prefix with Secure, so plain-http development uses a plain name.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-collab_console" : "collab_console";
}

function sign(key: string, payload: string): Buffer {
  return createHmac("sha256", key).update(payload, "utf8").digest();
}

export function signSessionToken(key: string, claims: ConsoleSessionClaims): string {
  const payload = Buffer.from(JSON.stringify(claims), "utf8").toString("base64url");
  return `${payload}.${sign(key, payload).toString("base64url")}`;
}

const TOKEN = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/;

/** The claims of a well-formed, correctly signed, unexpired token; null otherwise. */
export function verifySessionToken(
  key: string,
  token: string | undefined,
  nowMs: number = Date.now(),
): ConsoleSessionClaims | null {
  const match = token === undefined ? null : TOKEN.exec(token);
  if (match === null) return null;
  const [, payload = "", signature = ""] = match;
  // Compare the text, not the decoded bytes: base64url's last character carries 2 unused bits, so
  // decoding would accept 4 spellings of one signature (a token would survive some edits).
  const expected = Buffer.from(sign(key, payload).toString("base64url"), "ascii");
  const given = Buffer.from(signature, "ascii");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (typeof claims !== "object" || claims === null) return null;
  const { sid, appId, iat, exp } = claims as Record<string, unknown>;
  if (typeof sid !== "string" || sid === "") return null;
  if (typeof appId !== "string" || appId === "") return null;
  if (typeof iat !== "number" || typeof exp !== "number") return null;
  if (exp * 1000 <= nowMs) return null;
  return { sid, appId, iat, exp };
}

/** The cookie of the server-side session `session`, as a Set-Cookie header value. */
export function sessionSetCookie(
  config: ConsoleSessionConfig & { readonly key: string },
  session: { readonly id: string; readonly appId: string },
  nowMs: number = Date.now(),
): string {
  const maxAge = sessionMaxAgeSeconds(config);
  const iat = Math.floor(nowMs / 1000);
  const claims = { sid: session.id, appId: session.appId, iat, exp: iat + maxAge };
  const token = signSessionToken(config.key, claims);
  return serializeCookie(sessionCookieName(config.secure), token, maxAge, config.secure);
}

/** How long a sign-in lasts (the cookie's Max-Age and the session row's expiry). */
export function sessionMaxAgeSeconds(config: Pick<ConsoleSessionConfig, "maxAgeSeconds">): number {
  return config.maxAgeSeconds ?? CONSOLE_SESSION_MAX_AGE_SECONDS;
}

/** The Set-Cookie header value that removes the session. */
export function sessionClearCookie(config: Pick<ConsoleSessionConfig, "secure">): string {
  return serializeCookie(sessionCookieName(config.secure), "", 0, config.secure);
}

function serializeCookie(name: string, value: string, maxAge: number, secure: boolean): string {
  const parts = [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`];
  if (maxAge === 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  if (secure) parts.push("Secure");
  return parts.join("; ");
}

/** One cookie's value from a Cookie request header. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The claims of a request's session cookie when it is well-formed, correctly signed and unexpired
 * (no database lookup: whether the session is still live is the caller's next question).
 */
export function sessionClaimsFromCookieHeader(
  config: ConsoleSessionConfig,
  cookieHeader: string | null | undefined,
  nowMs: number = Date.now(),
): ConsoleSessionClaims | null {
  if (config.key === null) return null;
  const token = readCookie(cookieHeader, sessionCookieName(config.secure));
  return verifySessionToken(config.key, token, nowMs);
}
