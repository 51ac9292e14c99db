import { describe, expect, it, vi } from "vitest";
import { DOC } from "./doc-example.fixture";
import { HEADER_APPID_ALIAS, HEADER_DATE, HEADER_SIGNATURE, type HeadersLike } from "./headers";
import { signRequestHeaders } from "./sign-request-headers";
import { INVALID_CREDENTIALS_MESSAGE, verifyRequest } from "./verify-request";

const APP_ID = "hiar-app-1";
const SECRET = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-0001";
const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);

const lookupSecret = async (appId: string) => (appId === APP_ID ? SECRET : null);

function signed(over: { now?: number; appId?: string; secret?: string } = {}) {
  return signRequestHeaders({
    appId: over.appId ?? APP_ID,
    secret: over.secret ?? SECRET,
    method: "POST",
    url: "/leliaRTC/session/invite?b=2&a=1",
    now: over.now ?? NOW,
  });
}

/** The server's view of that request after HiAR's gateway stripped /leliaRTC. */
function verify(headers: HeadersLike, over: Partial<Parameters<typeof verifyRequest>[0]> = {}) {
  return verifyRequest({
    headers,
    method: "POST",
    path: "/session/invite",
    rawQuery: "b=2&a=1",
    lookupSecret,
    now: NOW,
    ...over,
  });
}

describe("verifyRequest", () => {
  it("accepts what signRequestHeaders produced and returns what the nonce store needs", async () => {
    const headers = signed();
    const result = await verify(headers);
    expect(result).toEqual({
      ok: true,
      appId: APP_ID,
      nonce: headers["X-HIAR-OPENAPI-NONCE"],
      dateMs: NOW,
      nonceExpiresAtMs: NOW + 300_000,
    });
  });

  it("accepts a signature by any of the app's secrets (a rotation's overlap), and no other", async () => {
    const NEW = "n3w-n3w-n3w-n3w-n3w-n3w-n3w-n3w-02";
    const both = async (appId: string) => (appId === APP_ID ? [NEW, SECRET] : null);
    expect((await verify(signed(), { lookupSecret: both })).ok).toBe(true);
    expect((await verify(signed({ secret: NEW }), { lookupSecret: both })).ok).toBe(true);
    const onlyNew = async (appId: string) => (appId === APP_ID ? [NEW] : null);
    expect(await verify(signed(), { lookupSecret: onlyNew })).toMatchObject({
      ok: false,
      reason: "UNAUTHENTICATED",
    });
    expect((await verify(signed({ secret: "guess" }), { lookupSecret: both })).ok).toBe(false);
  });

  it("accepts the headers through a Headers object with lower-cased names", async () => {
    const lowered = Object.entries(signed()).map(([k, v]): [string, string] => [
      k.toLowerCase(),
      v,
    ]);
    expect((await verify(new Headers(lowered))).ok).toBe(true);
  });

  it("verifies the doc's example request end to end", async () => {
    const headers = {
      "X-HIAR-OPENAPI-APPID": DOC.appId,
      "X-HIAR-OPENAPI-NONCE": DOC.nonce,
      "X-HIAR-OPENAPI-DATE": DOC.date,
      "X-HIAR-OPENAPI-SIGNATURE": DOC.signature,
      appid: DOC.appId,
    };
    const result = await verifyRequest({
      headers,
      method: "GET",
      path: "/account/v1/user",
      rawQuery: "page=1&limit=10",
      lookupSecret: async (id) => (id === DOC.appId ? DOC.secret : null),
      now: Date.parse(DOC.date),
    });
    expect(result.ok).toBe(true);
  });

  it("answers an unknown app and a bad signature identically", async () => {
    const unknownApp = await verify(signed({ appId: "hiar-nobody" }));
    const badSignature = await verify(signed({ secret: "not-the-secret" }));
    const expected = {
      ok: false,
      reason: "UNAUTHENTICATED",
      message: INVALID_CREDENTIALS_MESSAGE,
    };
    expect(unknownApp).toEqual(expected);
    expect(badSignature).toEqual(expected);
  });

  it("refuses a signature that does not cover this request", async () => {
    const result = await verify(signed(), { path: "/session/kick" });
    expect(result).toMatchObject({ ok: false, reason: "UNAUTHENTICATED" });
  });

  it.each([301, -301])("answers REQUEST_EXPIRED %i s off, without a secret lookup", async (s) => {
    const lookup = vi.fn(lookupSecret);
    const result = await verify(signed({ now: NOW + s * 1000 }), { lookupSecret: lookup });
    expect(result).toMatchObject({ ok: false, reason: "REQUEST_EXPIRED" });
    expect(lookup).not.toHaveBeenCalled();
  });

  it.each([300, -300])("accepts a request %i s off", async (s) => {
    expect((await verify(signed({ now: NOW + s * 1000 }))).ok).toBe(true);
  });

  it("uses the configured window for both the check and the nonce expiry", async () => {
    const headers = signed({ now: NOW - 90_000 });
    expect((await verify(headers, { windowSeconds: 60 })).ok).toBe(false);
    expect(await verify(headers, { windowSeconds: 120 })).toMatchObject({
      ok: true,
      nonceExpiresAtMs: NOW - 90_000 + 120_000,
    });
  });

  it("answers UNAUTHENTICATED for header problems, naming the header", async () => {
    const { [HEADER_SIGNATURE]: _, ...noSignature } = signed();
    expect(await verify(noSignature)).toEqual({
      ok: false,
      reason: "UNAUTHENTICATED",
      message: "missing or empty header X-HIAR-OPENAPI-SIGNATURE",
    });
    expect(await verify({ ...signed(), [HEADER_APPID_ALIAS]: "other" })).toMatchObject({
      ok: false,
      reason: "UNAUTHENTICATED",
    });
    expect(await verify({ ...signed(), [HEADER_DATE]: "2024-01-15 12:00:00" })).toMatchObject({
      ok: false,
      reason: "UNAUTHENTICATED",
    });
  });

  it("never puts the signature or the secret in a message", async () => {
    const headers = signed({ secret: "wrong" });
    const results = [
      await verify(headers),
      await verify({ ...headers, [HEADER_SIGNATURE]: `${headers[HEADER_SIGNATURE]}x` }),
      await verify(signed({ now: NOW + 10_000_000 })),
    ];
    for (const r of results) {
      expect(r.ok).toBe(false);
      const message = r.ok ? "" : r.message;
      expect(message).not.toContain(headers[HEADER_SIGNATURE]);
      expect(message).not.toContain(SECRET);
    }
  });

  it("lets a secret-lookup failure propagate", async () => {
    const down = async () => {
      throw new Error("database unreachable");
    };
    await expect(verify(signed(), { lookupSecret: down })).rejects.toThrow("database unreachable");
  });

  it("honours capabilityPrefix: null", async () => {
    expect((await verify(signed(), { capabilityPrefix: null })).ok).toBe(false);
  });
});
