import { createHmac, timingSafeEqual } from "node:crypto";

// The console's session cookie: `<payload>.<signature>`, both base64url, the payload a small JSON
// object, the signature HMAC-SHA256 over the payload text with the server's key. Stateless, so
// any instance sharing the key accepts it; it expires by itself (exp) and by Max-Age.

/** How long a sign-in lasts. */
export const CONSOLE_SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** Shortest signing key accepted (CONSOLE_SESSION_SECRET). */
export const MIN_SESSION_KEY_LENGTH = 32;

export interface ConsoleSessionConfig {
  /** HMAC key (CONSOLE_SESSION_SECRET, or generated per process in development and tests). */
  readonly key: string;
  /** Secure cookie (and the __Host- prefix): everywhere but development over plain http. */
  readonly secure: boolean;
  readonly maxAgeSeconds?: number;
}

export interface ConsoleSessionClaims {
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
  const { appId, iat, exp } = claims as Record<string, unknown>;
  if (typeof appId !== "string" || appId === "") return null;
  if (typeof iat !== "number" || typeof exp !== "number") return null;
  if (exp * 1000 <= nowMs) return null;
  return { appId, iat, exp };
}

/** A fresh session for `appId`, as a Set-Cookie header value. */
export function sessionSetCookie(
  config: ConsoleSessionConfig,
  appId: string,
  nowMs: number = Date.now(),
): string {
  const maxAge = config.maxAgeSeconds ?? CONSOLE_SESSION_MAX_AGE_SECONDS;
  const iat = Math.floor(nowMs / 1000);
  const token = signSessionToken(config.key, { appId, iat, exp: iat + maxAge });
  return serializeCookie(sessionCookieName(config.secure), token, maxAge, config.secure);
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

/** The app a request's session cookie names, if the cookie is valid. */
export function appIdFromCookieHeader(
  config: ConsoleSessionConfig,
  cookieHeader: string | null | undefined,
  nowMs: number = Date.now(),
): string | null {
  const token = readCookie(cookieHeader, sessionCookieName(config.secure));
  return verifySessionToken(config.key, token, nowMs)?.appId ?? null;
}
