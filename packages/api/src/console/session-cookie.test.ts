import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  readCookie,
  sessionClaimsFromCookieHeader,
  sessionClearCookie,
  sessionCookieName,
  sessionSetCookie,
  signSessionToken,
  verifySessionToken,
} from "./session-cookie";

const KEY = "a-test-key-of-at-least-thirty-two-chars";
const NOW = Date.UTC(2026, 0, 1);
const now = NOW / 1000;
const SID = "s".repeat(43);
const SESSION = { id: SID, appId: "hiar123" };
const SESSION_CLAIMS = { sid: SID, appId: "hiar123" };

describe("session token", () => {
  const token = signSessionToken(KEY, { sid: SID, appId: "hiar123", iat: now, exp: now + 60 });

  it("round-trips its claims until it expires", () => {
    expect(verifySessionToken(KEY, token, NOW)).toEqual({
      sid: SID,
      appId: "hiar123",
      iat: now,
      exp: now + 60,
    });
    expect(verifySessionToken(KEY, token, NOW + 59_999)).not.toBeNull();
    expect(verifySessionToken(KEY, token, NOW + 60_000)).toBeNull();
  });

  it("refuses another key, a changed payload or signature, and garbage", () => {
    expect(verifySessionToken(`${KEY}x`, token, NOW)).toBeNull();
    const [payload = "", signature = ""] = token.split(".");
    const forged = Buffer.from(
      JSON.stringify({ sid: SID, appId: "other", iat: now, exp: now + 60 }),
    );
    expect(verifySessionToken(KEY, `${forged.toString("base64url")}.${signature}`, NOW)).toBeNull();
    const flipped = signature.startsWith("A") ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect(verifySessionToken(KEY, `${payload}.${flipped}`, NOW)).toBeNull();
    // Every other spelling of the last character is refused, including the ones that decode to
    // the same bytes (its 2 low bits are padding).
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (const c of alphabet.replace(signature.slice(-1), "")) {
      expect(verifySessionToken(KEY, `${payload}.${signature.slice(0, -1)}${c}`, NOW)).toBeNull();
    }
    for (const bad of [undefined, "", ".", "abc", `${payload}.`, `${token}.x`, `${payload}.!!`]) {
      expect(verifySessionToken(KEY, bad, NOW)).toBeNull();
    }
  });

  it("refuses well-signed tokens whose claims are malformed", () => {
    for (const claims of [
      { sid: SID, appId: "", iat: now, exp: now + 60 },
      { sid: SID, appId: "x", iat: now },
      { appId: "x", iat: now, exp: now + 60 },
      { sid: "", appId: "x", iat: now, exp: now + 60 },
      [],
    ]) {
      const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
      const signature = createHmac("sha256", KEY).update(payload).digest("base64url");
      expect(verifySessionToken(KEY, `${payload}.${signature}`, NOW)).toBeNull();
    }
  });
});

describe("session cookie", () => {
  it("is httpOnly, SameSite=Lax, path /, and Secure with the __Host- prefix outside development", () => {
    const secure = sessionSetCookie({ key: KEY, secure: true }, SESSION, NOW);
    expect(secure).toMatch(
      /^__Host-collab_console=[\w-]+\.[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200; Secure$/,
    );
    const dev = sessionSetCookie({ key: KEY, secure: false, maxAgeSeconds: 60 }, SESSION, NOW);
    expect(dev).toMatch(
      /^collab_console=[\w-]+\.[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=60$/,
    );
    expect(sessionClearCookie({ secure: true })).toBe(
      "__Host-collab_console=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure",
    );
  });

  it("is read back from a Cookie header among others", () => {
    const config = { key: KEY, secure: true };
    const value = sessionSetCookie(config, SESSION, NOW).split(";")[0] ?? "";
    const header = `a=1; ${value}; b=2`;
    expect(readCookie(header, sessionCookieName(true))).toBe(value.split("=")[1]);
    expect(sessionClaimsFromCookieHeader(config, header, NOW)).toMatchObject(SESSION_CLAIMS);
    expect(sessionClaimsFromCookieHeader({ ...config, secure: false }, header, NOW)).toBeNull();
    expect(sessionClaimsFromCookieHeader(config, null, NOW)).toBeNull();
    expect(sessionClaimsFromCookieHeader(config, "a=1", NOW)).toBeNull();
    // Without a key (sign-in disabled) no cookie is accepted.
    expect(sessionClaimsFromCookieHeader({ key: null, secure: true }, header, NOW)).toBeNull();
  });
});
