import {
  CreateCollaborationResponse,
  EMPTY_ANY,
  ErrorEnvelope,
  LIMITS,
  QueryByUserResponse,
} from "@collab/contracts";
import { testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, hiarPost } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";

// The documented HiAR POST paths over real HTTP against the production build, per database.

const INVITE_SUCCESS = { code: 0, reason: "SUCCESS", message: "", data: EMPTY_ANY };

function expectError(
  response: { status: number; body: unknown; headers: Headers },
  status: number,
  reason: string,
) {
  expect(response.status).toBe(status);
  const envelope = ErrorEnvelope.parse(response.body);
  expect(envelope.reason).toBe(reason);
  // Exactly the four envelope fields: no stack, no details.
  expect(Object.keys(response.body as object).sort()).toEqual([
    "code",
    "data",
    "message",
    "reason",
  ]);
  expect(response.headers.get("trace")).toBeTruthy();
  return envelope;
}

describe.each(testDatabaseTargets())("HiAR REST adapter on %s", (target) => {
  let server: TestServer;
  let appA: Credentials;
  let appB: Credentials;
  let userSeq = 0;
  const user = (name: string) => `${name}-${++userSeq}`;

  /** A collaboration of app A created by `creator` with `members`; returns its ids. */
  async function createCollaboration(
    app: Credentials,
    creator: string,
    members: string[],
    ruleSettings: Record<string, unknown> = {},
  ) {
    const response = await hiarPost(server, app, "/create", {
      userID: creator,
      detail: "weekly sync",
      members: members.map((userID) => ({ userID, roles: [1] })),
      ruleSettings,
    });
    expect(response.status, response.text).toBe(200);
    const { data } = CreateCollaborationResponse.parse(response.body);
    expect(data.collaborationID).toMatch(/^[0-9a-f]{32}$/);
    expect(data.sessionID).toMatch(/^[0-9a-f]{32}$/);
    return { collaborationID: data.collaborationID, sessionID: data.sessionID };
  }

  async function membersOf(app: Credentials, userID: string, collaborationID: string) {
    const response = await hiarPost(server, app, "/user/query", { userID, history: true });
    expect(response.status, response.text).toBe(200);
    const parsed = QueryByUserResponse.parse(response.body);
    const info = parsed.data.infos.find((i) => i.collaborationID === collaborationID);
    return info?.members;
  }

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 2 });
    const [first, second] = server.apps;
    if (!first || !second) throw new Error("two apps were provisioned");
    appA = first;
    appB = second;
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe("POST /session/invite", () => {
    it("rings new members and answers exactly the documented envelope", async () => {
      const alice = user("alice");
      const carol = user("carol");
      const dave = user("dave");
      const ids = await createCollaboration(appA, alice, [user("bob")]);
      const response = await hiarPost(
        server,
        appA,
        "/session/invite",
        {
          ...ids,
          userID: alice,
          members: [
            { userID: carol, memberSessionState: "MEMBER_CALLING", deviceType: 2, roles: [3] },
            { userID: dave, deviceType: "1", extra: "from the seed" },
          ],
          ignoredUnknownField: true,
        },
        { headers: { trace: "abcdefghij" } },
      );
      expect(response.status).toBe(200);
      expect(response.text).toBe(JSON.stringify(INVITE_SUCCESS));
      expect(response.headers.get("trace")).toBe("abcdefghij");

      const members = await membersOf(appA, carol, ids.collaborationID);
      expect(members?.[carol]).toMatchObject({
        userID: carol,
        memberSessionState: "MEMBER_CALLING",
        deviceType: 2,
        roles: [3],
      });
      expect(members?.[dave]).toMatchObject({
        memberSessionState: "MEMBER_CALLING",
        extra: "from the seed",
      });
    });

    it("is served under the capability prefix, signed with or without it", async () => {
      const alice = user("alice");
      const ids = await createCollaboration(appA, alice, []);
      const prefixed = await hiarPost(server, appA, "/leliaRTC/session/invite", {
        ...ids,
        userID: alice,
        members: [{ userID: user("erin") }],
      });
      expect(prefixed.status, prefixed.text).toBe(200);
      expect(prefixed.body).toEqual(INVITE_SUCCESS);

      const other = await hiarPost(server, appA, "/otherCap/session/invite", {
        ...ids,
        userID: alice,
        members: [{ userID: user("frank") }],
      });
      expectError(other, 404, "NOT_FOUND");
    });

    it("refuses another app's session as not found and changes nothing", async () => {
      const alice = user("alice");
      const target = user("mallory");
      const ids = await createCollaboration(appA, alice, []);
      const response = await hiarPost(server, appB, "/session/invite", {
        ...ids,
        userID: alice,
        members: [{ userID: target }],
      });
      const envelope = expectError(response, 404, "NOT_FOUND");
      expect(envelope.code).toBe(1006);
      expect(await membersOf(appA, alice, ids.collaborationID)).not.toHaveProperty(target);
    });

    it("names the offending field for invalid input", async () => {
      const alice = user("alice");
      const ids = await createCollaboration(appA, alice, []);
      const response = await hiarPost(server, appA, "/session/invite", {
        ...ids,
        userID: alice,
        members: [{ userID: user("ok") }, { userID: "", deviceType: 1 }],
      });
      const envelope = expectError(response, 400, "INVALID_PARAM");
      expect(envelope.code).toBe(1001);
      expect(envelope.message).toContain("members[1].userID");
      expect(envelope.data).toBeNull();
    });

    it("refuses an inviter who is not in the session (403) and an over-limit invite (409)", async () => {
      const alice = user("alice");
      const ids = await createCollaboration(appA, alice, [], { numberLimit: 2 });
      const stranger = await hiarPost(server, appA, "/session/invite", {
        ...ids,
        userID: user("stranger"),
        members: [{ userID: user("x") }],
      });
      expectError(stranger, 403, "PERMISSION_DENIED");

      const tooMany = await hiarPost(server, appA, "/session/invite", {
        ...ids,
        userID: alice,
        members: [{ userID: user("p") }, { userID: user("q") }, { userID: user("r") }],
      });
      expectError(tooMany, 409, "MEMBER_LIMIT_EXCEEDED");
    });
  });

  describe("transport and authentication", () => {
    const body = { collaborationID: "x", sessionID: "y", userID: "z", members: [{ userID: "w" }] };

    it("refuses a body over 1 MiB with 413", async () => {
      const response = await hiarPost(server, appA, "/session/invite", null, {
        rawBody: JSON.stringify({ ...body, padding: "x".repeat(LIMITS.maxBodyBytes) }),
      });
      expectError(response, 413, "PAYLOAD_TOO_LARGE");
    });

    it("refuses a non-JSON body with 415 and malformed JSON with 400", async () => {
      const text = await hiarPost(server, appA, "/session/invite", null, {
        rawBody: "hello",
        headers: { "content-type": "text/plain" },
      });
      expectError(text, 415, "UNSUPPORTED_MEDIA_TYPE");
      const malformed = await hiarPost(server, appA, "/session/invite", null, { rawBody: "{" });
      expectError(malformed, 400, "INVALID_PARAM");
    });

    it("refuses missing headers, a bad signature, an unknown app and a mismatched appid", async () => {
      expectError(
        await hiarPost(server, appA, "/session/invite", body, { unsigned: true }),
        401,
        "UNAUTHENTICATED",
      );
      expectError(
        await hiarPost(server, { ...appA, secret: "wrong-secret" }, "/session/invite", body),
        401,
        "UNAUTHENTICATED",
      );
      expectError(
        await hiarPost(server, { ...appA, id: "hiar-unknown" }, "/session/invite", body),
        401,
        "UNAUTHENTICATED",
      );
      expectError(
        await hiarPost(server, appA, "/session/invite", body, { headers: { appid: appB.id } }),
        401,
        "UNAUTHENTICATED",
      );
    });

    it("refuses a date outside the window both ways with REQUEST_EXPIRED", async () => {
      // A minute past the 300 s window: a slow machine may take a while to carry the request over.
      for (const offset of [-360_000, 360_000]) {
        const response = await hiarPost(server, appA, "/session/invite", body, {
          now: new Date(Date.now() + offset),
        });
        expectError(response, 401, "REQUEST_EXPIRED");
      }
    });

    it("accepts a nonce once, also under concurrency", async () => {
      const alice = user("alice");
      const ids = await createCollaboration(appA, alice, []);
      const nonce = crypto.randomUUID();
      const attempts = await Promise.all(
        Array.from({ length: 5 }, () =>
          hiarPost(
            server,
            appA,
            "/session/invite",
            { ...ids, userID: alice, members: [{ userID: user("n") }] },
            { nonce },
          ),
        ),
      );
      expect(attempts.filter((r) => r.status === 200)).toHaveLength(1);
      for (const refused of attempts.filter((r) => r.status !== 200)) {
        expectError(refused, 401, "NONCE_REUSED");
      }
    });
  });

  describe("POST /user/query", () => {
    it("answers QueryByUserResp in protojson and hides other apps' collaborations", async () => {
      const alice = user("alice");
      const bob = user("bob");
      const ids = await createCollaboration(appA, alice, [bob]);
      const response = await hiarPost(server, appA, "/user/query", { userID: bob });
      expect(response.status, response.text).toBe(200);
      const parsed = QueryByUserResponse.parse(response.body);
      expect(parsed.data["@type"]).toBe(
        "type.googleapis.com/hileia_core_collaboration.v1.QueryByUserResp",
      );
      const info = parsed.data.infos.find((i) => i.collaborationID === ids.collaborationID);
      expect(info?.state).toBe("COLLABORATION_START");
      expect(info?.sessionInfo.sessionID).toBe(ids.sessionID);
      expect(info?.sessionInfo.sessionState).toBe("SESSION_SCHEDULE");
      expect(info?.members[bob]).toMatchObject({
        userID: bob,
        memberSessionState: "MEMBER_UNSPECIFIED",
        roles: [1],
        medias: [],
      });

      const other = await hiarPost(server, appB, "/user/query", { userID: bob });
      expect(QueryByUserResponse.parse(other.body).data.infos).toEqual([]);
    });
  });

  describe("the console's tRPC endpoint", () => {
    it("refuses procedures without an authenticated app", async () => {
      const response = await fetch(
        `${server.baseUrl}/api/trpc/collaboration.byUser?input=${encodeURIComponent(JSON.stringify({ userID: "x" }))}`,
      );
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { data: { hiar: { reason: string } } } };
      expect(body.error.data.hiar.reason).toBe("UNAUTHENTICATED");
    });
  });

  it("logs one line per request with the trace id, never a secret or a signature", async () => {
    const response = await hiarPost(
      server,
      appA,
      "/user/query",
      { userID: "log-probe" },
      {
        headers: { trace: "logprobe01" },
      },
    );
    expect(response.status).toBe(200);
    const lines = server
      .output()
      .split("\n")
      .filter((l) => l.includes('"logprobe01"'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      trace: "logprobe01",
      app: appA.id,
      route: "/user/query",
      status: 200,
      code: 0,
    });
    expect(server.output()).not.toContain(appA.secret);
    expect(server.output()).not.toContain(appB.secret);
    const signature = response.sentHeaders["X-HIAR-OPENAPI-SIGNATURE"];
    expect(signature).toMatch(/=$/);
    expect(server.output()).not.toContain(signature);
  });
});
