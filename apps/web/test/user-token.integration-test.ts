import { TYPE_URLS } from "@collab/contracts";
import { adapterTestTargets } from "@collab/db/testing";
import { createHiarClient, createUserToken, type HiarClient } from "@collab/sdk";
import { verifyUserToken } from "@collab/user-token";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./server";

// POST /user/token against the production build: the token it returns is the one the SDK mints
// locally, verifiable with the app's secret and no other; bad requests are refused; the token is
// never logged.

describe.each(adapterTestTargets())("POST /user/token on %s", (target) => {
  let server: TestServer;
  let hiar: HiarClient;
  let appId: string;
  let secret: string;
  let otherSecret: string;
  const secretOf = (id: string) => (id === appId ? secret : null);

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 2 });
    const [app, other] = server.apps;
    if (!app || !other) throw new Error("two apps were provisioned");
    ({ id: appId, secret } = app);
    otherSecret = other.secret;
    hiar = createHiarClient({ baseUrl: server.baseUrl, appId, secret });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("returns a token for the user and device, valid for ttlSeconds, signed with the app's secret", async () => {
    const before = Math.floor(Date.now() / 1000);
    const data = await hiar.issueUserToken({
      userID: "bob",
      deviceID: "bob-phone",
      ttlSeconds: 600,
    });
    expect(data["@type"]).toBe(TYPE_URLS.UserTokenResp);
    const expireTime = Number(data.expireTime);
    expect(expireTime).toBeGreaterThanOrEqual(before + 600);
    expect(expireTime).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 600);

    const verified = await verifyUserToken(data.token, {
      lookupSecret: async (id) => secretOf(id),
    });
    expect(verified).toEqual({
      ok: true,
      claims: {
        appId,
        userID: "bob",
        deviceID: "bob-phone",
        expiresAt: new Date(expireTime * 1000),
      },
    });
    // Another app's secret does not verify it.
    expect(
      await verifyUserToken(data.token, { lookupSecret: async () => otherSecret }),
    ).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(server.output()).not.toContain(data.token.split(".")[2]);
  });

  it("defaults to one hour and no device; works under the capability prefix", async () => {
    const prefixed = createHiarClient({ baseUrl: `${server.baseUrl}/leliaRTC/`, appId, secret });
    const data = await prefixed.issueUserToken({ userID: "carol" });
    const verified = await verifyUserToken(data.token, {
      lookupSecret: async (id) => secretOf(id),
    });
    expect(verified.ok && verified.claims.deviceID).toBeUndefined();
    expect(verified.ok && verified.claims.userID).toBe("carol");
    const lifetime = Number(data.expireTime) - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(3_500);
    expect(lifetime).toBeLessThanOrEqual(3_600);
  });

  it("refuses a missing user and a lifetime over 24 h with INVALID_PARAM naming the field", async () => {
    await expect(hiar.issueUserToken({ userID: "" })).rejects.toMatchObject({
      reason: "INVALID_PARAM",
      httpStatus: 400,
      message: expect.stringContaining("userID"),
    });
    await expect(hiar.issueUserToken({ userID: "bob", ttlSeconds: 86_401 })).rejects.toMatchObject({
      reason: "INVALID_PARAM",
      message: expect.stringContaining("ttlSeconds"),
    });
    await expect(
      createHiarClient({ baseUrl: server.baseUrl, appId, secret: "wrong" }).issueUserToken({
        userID: "bob",
      }),
    ).rejects.toMatchObject({ reason: "UNAUTHENTICATED", httpStatus: 401 });
  });

  it("the SDK's local createUserToken makes a token of the same form", async () => {
    const token = await createUserToken({ appId, secret, userID: "dave", ttlSeconds: 60 });
    const verified = await verifyUserToken(token, { lookupSecret: async (id) => secretOf(id) });
    expect(verified.ok && verified.claims.userID).toBe("dave");
  });
});
