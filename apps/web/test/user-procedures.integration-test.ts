import type { AppRouter } from "@collab/api";
import { adapterTestTargets } from "@collab/db/testing";
import { createHiarClient, createUserToken, type HiarClient } from "@collab/sdk";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestServer } from "./server";

// The user procedures (user.*) over real HTTP against the production build: a device's token
// answers for its own user only, with the REST operations' rules; every forged, expired, early,
// foreign or misdirected token is refused with UNAUTHENTICATED (or the state error the REST
// operation gives), and nothing changes.

describe.each(adapterTestTargets())("user procedures on %s", (target) => {
  let server: TestServer;
  let hiar: HiarClient;
  let app: { id: string; secret: string };
  let other: { id: string; secret: string };
  let seq = 0;
  const name = (prefix: string) => `${prefix}-${target}-${++seq}`;

  const userClient = (token: string | null) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${server.baseUrl}/api/trpc`,
          headers: () => (token === null ? {} : { authorization: `Bearer ${token}` }),
        }),
      ],
    });
  const tokenFor = (userID: string, extra: { deviceID?: string; now?: Date; ttl?: number } = {}) =>
    createUserToken({
      appId: app.id,
      secret: app.secret,
      userID,
      ttlSeconds: extra.ttl ?? 600,
      ...(extra.deviceID === undefined ? {} : { deviceID: extra.deviceID }),
      ...(extra.now === undefined ? {} : { now: extra.now }),
    });

  /** A session in which `callee` is ringing (rung by its creator). */
  async function ringing(callee: string) {
    const caller = name("alice");
    const { collaborationID, sessionID } = await hiar.createCollaboration({ userID: caller });
    await hiar.inviteSession({
      collaborationID,
      sessionID,
      userID: caller,
      members: [{ userID: callee, medias: [1, 2], roles: [3], extra: "ring-extra" }],
    });
    return { caller, collaborationID, sessionID };
  }

  /** The callee's state in the session, as the app's own REST query reports it. */
  async function stateOf(userID: string, sessionID: string) {
    const { infos } = await hiar.queryCollaborationsByUser({ userID });
    const info = infos.find((i) => i.sessionInfo.sessionID === sessionID);
    return info?.members[userID]?.memberSessionState;
  }

  async function refusal(promise: Promise<unknown>) {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(TRPCClientError);
      const data = (error as TRPCClientError<AppRouter>).data as {
        httpStatus: number;
        hiar: { reason: string };
      };
      return {
        status: data.httpStatus,
        reason: data.hiar.reason,
        message: (error as Error).message,
      };
    }
    throw new Error("expected a refusal");
  }

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 2 });
    const [first, second] = server.apps;
    if (!first || !second) throw new Error("two apps were provisioned");
    app = first;
    other = second;
    hiar = createHiarClient({ baseUrl: server.baseUrl, appId: app.id, secret: app.secret });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("accept answers a ring for the token's user; calls lists it; leave ends it", async () => {
    const bob = name("bob");
    const { caller, collaborationID, sessionID } = await ringing(bob);
    const client = userClient(await tokenFor(bob, { deviceID: "bob-phone" }));

    const before = await client.user.calls.query();
    expect(before.current).toHaveLength(1);
    expect(before.current[0]).toMatchObject({
      collaborationID,
      sessionID,
      memberSessionState: "MEMBER_CALLING",
      invitedBy: caller,
      member: { medias: [1, 2], roles: [3], extra: "ring-extra" },
    });
    expect(before.current[0]?.callingDeadline).toBeGreaterThan(Date.now());

    const accepted = await client.user.accept.mutate({ collaborationID, sessionID });
    expect(accepted).toEqual({
      collaborationID,
      sessionID,
      fromState: "MEMBER_CALLING",
      memberSessionState: "MEMBER_TALKING",
      sessionState: "SESSION_START",
      deviceID: "bob-phone",
    });
    expect(await stateOf(bob, sessionID)).toBe("MEMBER_TALKING");

    // The same rules as REST: accepting twice is INVALID_STATE.
    expect(await refusal(client.user.accept.mutate({ collaborationID, sessionID }))).toMatchObject({
      status: 409,
      reason: "INVALID_STATE",
    });
    await client.user.leave.mutate({ collaborationID, sessionID });
    expect(await stateOf(bob, sessionID)).toBe("MEMBER_LEFT");
    expect((await client.user.calls.query()).current).toEqual([]);
  });

  it("decline and busy answer rings; an unknown session is NOT_FOUND", async () => {
    const carol = name("carol");
    const first = await ringing(carol);
    const second = await ringing(carol);
    const client = userClient(await tokenFor(carol));
    expect((await client.user.calls.query()).current).toHaveLength(2);
    const declined = await client.user.decline.mutate(first);
    expect(declined).toMatchObject({ memberSessionState: "MEMBER_DECLINE", deviceID: null });
    await client.user.busy.mutate(second);
    expect(await stateOf(carol, first.sessionID)).toBe("MEMBER_DECLINE");
    expect(await stateOf(carol, second.sessionID)).toBe("MEMBER_BUSY");
    expect(
      await refusal(
        client.user.accept.mutate({
          collaborationID: first.collaborationID,
          sessionID: "0".repeat(32),
        }),
      ),
    ).toMatchObject({ status: 404, reason: "NOT_FOUND" });
  });

  it("refuses a missing, forged, expired, early, unknown-app or other app's token; nothing changes", async () => {
    const dave = name("dave");
    const ids = await ringing(dave);
    const call = { collaborationID: ids.collaborationID, sessionID: ids.sessionID };
    const valid = await tokenFor(dave);
    const [header, payload, signature = ""] = valid.split(".");
    const forgedSignature = `${header}.${payload}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    const signedWithOtherSecret = await createUserToken({
      appId: app.id,
      secret: other.secret,
      userID: dave,
      ttlSeconds: 600,
    });
    const expired = await tokenFor(dave, { now: new Date(Date.now() - 3_600_000), ttl: 60 });
    const early = await tokenFor(dave, { now: new Date(Date.now() + 3_600_000) });
    const unknownApp = await createUserToken({
      appId: "no-such-app",
      secret: app.secret,
      userID: dave,
      ttlSeconds: 600,
    });
    const cases: [string | null, RegExp][] = [
      [null, /user token is required/],
      ["not-a-jwt", /malformed/],
      [forgedSignature, /signature/],
      [signedWithOtherSecret, /signature/],
      [expired, /expired/],
      [early, /not valid yet/],
      [unknownApp, /app does not exist/],
    ];
    for (const [token, message] of cases) {
      const refused = await refusal(userClient(token).user.accept.mutate(call));
      expect(refused, String(message)).toMatchObject({ status: 401, reason: "UNAUTHENTICATED" });
      expect(refused.message).toMatch(message);
      if (token !== null) expect(server.output()).not.toContain(token.split(".")[2] || token);
      expect(await refusal(userClient(token).user.calls.query())).toMatchObject({ status: 401 });
    }

    // The other app's valid token for the same userID: that app has no such session.
    const foreign = await createUserToken({
      appId: other.id,
      secret: other.secret,
      userID: dave,
      ttlSeconds: 600,
    });
    expect(await refusal(userClient(foreign).user.accept.mutate(call))).toMatchObject({
      status: 404,
      reason: "NOT_FOUND",
    });
    expect((await userClient(foreign).user.calls.query()).current).toEqual([]);
    expect(await stateOf(dave, ids.sessionID)).toBe("MEMBER_CALLING");
  });

  it("a token for X acts only as X, whatever the request names", async () => {
    const erin = name("erin");
    const mallory = name("mallory");
    const ids = await ringing(erin);
    const asMallory = userClient(await tokenFor(mallory));
    // Naming erin in the body changes nothing: the member is always the token's user.
    const forged = { collaborationID: ids.collaborationID, sessionID: ids.sessionID, userID: erin };
    expect(await refusal(asMallory.user.accept.mutate(forged))).toMatchObject({
      status: 404,
      reason: "NOT_FOUND",
    });
    expect(await refusal(asMallory.user.decline.mutate(forged))).toMatchObject({ status: 404 });
    expect((await asMallory.user.calls.query()).current).toEqual([]);
    expect(await stateOf(erin, ids.sessionID)).toBe("MEMBER_CALLING");
    // The console cookie's procedures are not reachable with a user token.
    const cookieOnly = await fetch(`${server.baseUrl}/api/trpc/auth.me`, {
      headers: { authorization: `Bearer ${await tokenFor(erin)}` },
    });
    expect(cookieOnly.status).toBe(401);
  });

  it.runIf(target === "postgres")(
    "a changed app secret invalidates the tokens minted with the old one",
    async () => {
      const frank = name("frank");
      const ids = await ringing(frank);
      const client = userClient(await tokenFor(frank));
      expect((await client.user.calls.query()).current).toHaveLength(1);
      const db = new pg.Client({ connectionString: server.databaseUrl });
      await db.connect();
      try {
        await db.query(`UPDATE "app" SET "secret" = 'rotated-secret' WHERE "id" = $1`, [app.id]);
        // Noticed within the server's secret cache TTL (5 s); polled with a read.
        await vi.waitFor(
          async () =>
            expect(await refusal(client.user.calls.query())).toMatchObject({
              reason: "UNAUTHENTICATED",
            }),
          { timeout: 15_000, interval: 250 },
        );
        expect(await refusal(client.user.accept.mutate(ids))).toMatchObject({
          status: 401,
          reason: "UNAUTHENTICATED",
          message: expect.stringMatching(/signature/),
        });
      } finally {
        await db.query(`UPDATE "app" SET "secret" = $2 WHERE "id" = $1`, [app.id, app.secret]);
        await db.end();
      }
      // Nothing changed (read once the REST API takes the restored secret again).
      await vi.waitFor(
        async () => expect(await stateOf(frank, ids.sessionID)).toBe("MEMBER_CALLING"),
        {
          timeout: 15_000,
          interval: 250,
        },
      );
    },
  );
});
