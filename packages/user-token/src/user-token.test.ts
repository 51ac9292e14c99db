import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  createUserToken,
  USER_TOKEN_CLOCK_TOLERANCE_SECONDS,
  USER_TOKEN_MAX_TTL_SECONDS,
  verifyUserToken,
} from "./user-token";

const APP = "app-1";
const SECRET = "s3cret-of-app-1";
const secrets: Record<string, string> = { [APP]: SECRET, "app-2": "other-secret" };
const lookupSecret = async (appId: string) => secrets[appId] ?? null;
const T0 = new Date("2026-01-01T00:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe("createUserToken / verifyUserToken", () => {
  it("round-trips app, user, device and expiry", async () => {
    const token = await createUserToken({
      appId: APP,
      secret: SECRET,
      userID: "bob",
      deviceID: "phone",
      ttlSeconds: 600,
      now: T0,
    });
    const result = await verifyUserToken(token, { lookupSecret, now: at(10) });
    expect(result).toEqual({
      ok: true,
      claims: { appId: APP, userID: "bob", deviceID: "phone", expiresAt: at(600) },
    });
  });

  it("omits the device when none is given", async () => {
    const token = await createUserToken({
      appId: APP,
      secret: SECRET,
      userID: "bob",
      ttlSeconds: 60,
      now: T0,
    });
    const result = await verifyUserToken(token, { lookupSecret, now: T0 });
    expect(result.ok && result.claims).toEqual({ appId: APP, userID: "bob", expiresAt: at(60) });
  });

  it("refuses invalid input when minting", async () => {
    const base = { appId: APP, secret: SECRET, userID: "bob", ttlSeconds: 60 };
    await expect(createUserToken({ ...base, ttlSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(
      createUserToken({ ...base, ttlSeconds: USER_TOKEN_MAX_TTL_SECONDS + 1 }),
    ).rejects.toThrow(/24 h/);
    await expect(createUserToken({ ...base, userID: "" })).rejects.toThrow(/userID/);
    await expect(createUserToken({ ...base, userID: "x".repeat(65) })).rejects.toThrow(/userID/);
    await expect(createUserToken({ ...base, deviceID: "" })).rejects.toThrow(/deviceID/);
    await expect(createUserToken({ ...base, secret: "" })).rejects.toThrow(/secret/);
  });

  it("accepts a token signed with any of the app's secrets (a rotation's overlap), and says why one fails", async () => {
    const mint = (secret: string, ttlSeconds = 600) =>
      createUserToken({ appId: APP, secret, userID: "bob", ttlSeconds, now: T0 });
    const both = async (appId: string) => (appId === APP ? ["n3w-secret", SECRET] : null);
    expect((await verifyUserToken(await mint(SECRET), { lookupSecret: both, now: T0 })).ok).toBe(
      true,
    );
    expect(
      (await verifyUserToken(await mint("n3w-secret"), { lookupSecret: both, now: T0 })).ok,
    ).toBe(true);
    // Signed with the previous secret but expired: "expired", not "bad signature".
    expect(
      await verifyUserToken(await mint(SECRET, 60), { lookupSecret: both, now: at(3_600) }),
    ).toMatchObject({ ok: false, reason: "expired" });
    expect(
      await verifyUserToken(await mint("neither"), { lookupSecret: both, now: T0 }),
    ).toMatchObject({ ok: false, reason: "bad_signature" });
    // After the overlap only the new secret is looked up.
    const onlyNew = async (appId: string) => (appId === APP ? ["n3w-secret"] : null);
    expect(
      await verifyUserToken(await mint(SECRET), { lookupSecret: onlyNew, now: T0 }),
    ).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("refuses an expired token, and one not yet valid, beyond the tolerance", async () => {
    const token = await createUserToken({
      appId: APP,
      secret: SECRET,
      userID: "bob",
      ttlSeconds: 60,
      now: T0,
    });
    const tolerance = USER_TOKEN_CLOCK_TOLERANCE_SECONDS;
    expect((await verifyUserToken(token, { lookupSecret, now: at(59 + tolerance) })).ok).toBe(true);
    expect(await verifyUserToken(token, { lookupSecret, now: at(60 + tolerance) })).toMatchObject({
      ok: false,
      reason: "expired",
    });
    expect(await verifyUserToken(token, { lookupSecret, now: at(-1 - tolerance) })).toMatchObject({
      ok: false,
      reason: "not_yet_valid",
    });
  });

  it("refuses a forged signature, another app's secret and a changed secret", async () => {
    const token = await createUserToken({
      appId: APP,
      secret: SECRET,
      userID: "bob",
      ttlSeconds: 60,
      now: T0,
    });
    const [header, payload, signature] = token.split(".");
    const flipped = `${signature?.[0] === "A" ? "B" : "A"}${signature?.slice(1)}`;
    expect(
      await verifyUserToken(`${header}.${payload}.${flipped}`, { lookupSecret, now: T0 }),
    ).toMatchObject({ ok: false, reason: "bad_signature" });

    // Signed with app-2's secret but claiming app-1.
    const forged = await createUserToken({
      appId: APP,
      secret: "other-secret",
      userID: "bob",
      ttlSeconds: 60,
      now: T0,
    });
    expect(await verifyUserToken(forged, { lookupSecret, now: T0 })).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });

    const rotated = async (appId: string) => (appId === APP ? "new-secret" : null);
    expect(await verifyUserToken(token, { lookupSecret: rotated, now: T0 })).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("refuses an unknown app, other algorithms, garbage and over-long lifetimes", async () => {
    const unknown = await createUserToken({
      appId: "no-such-app",
      secret: "x",
      userID: "bob",
      ttlSeconds: 60,
      now: T0,
    });
    expect(await verifyUserToken(unknown, { lookupSecret, now: T0 })).toMatchObject({
      ok: false,
      reason: "unknown_app",
    });

    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const unsigned = `${b64({ alg: "none" })}.${b64({ iss: APP, sub: "bob", exp: 9e9 })}.`;
    expect(await verifyUserToken(unsigned, { lookupSecret, now: T0 })).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    for (const garbage of ["", "a.b.c", "not a token", "x".repeat(5_000)]) {
      expect(await verifyUserToken(garbage, { lookupSecret, now: T0 })).toMatchObject({
        ok: false,
        reason: "malformed",
      });
    }

    const iat = Math.floor(T0.getTime() / 1000);
    const long = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(APP)
      .setSubject("bob")
      .setIssuedAt(iat)
      .setExpirationTime(iat + USER_TOKEN_MAX_TTL_SECONDS + 1)
      .sign(new TextEncoder().encode(SECRET));
    expect(await verifyUserToken(long, { lookupSecret, now: T0 })).toMatchObject({
      ok: false,
      reason: "malformed",
    });

    const noSubject = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(APP)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(new TextEncoder().encode(SECRET));
    expect(await verifyUserToken(noSubject, { lookupSecret, now: T0 })).toMatchObject({
      ok: false,
      reason: "malformed",
    });
  });

  it("never puts the token in its messages", async () => {
    const token = await createUserToken({
      appId: APP,
      secret: SECRET,
      userID: "bob",
      ttlSeconds: 60,
      now: T0,
    });
    const result = await verifyUserToken(token, { lookupSecret, now: at(3600) });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(token.split(".")[2]);
  });
});
