import {
  CreateCollaborationResponse,
  EMPTY_ANY,
  ErrorEnvelope,
  HIAR_OPERATIONS,
  QueryByUserResponse,
} from "@collab/contracts";
import { testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, hiarPost } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

// The call lifecycle's REST extensions over real HTTP against the production build, with the
// in-process worker: calling timeouts fire (5 s here) and every event reaches a signed webhook.
// A restart across a timeout is in restart.resilience-test.ts.

const SUCCESS = { code: 0, reason: "SUCCESS", message: "", data: EMPTY_ANY };
const LIFECYCLE_PATHS = [
  "/session/accept",
  "/session/decline",
  "/session/busy",
  "/session/offline",
  "/session/leave",
  "/session/kickout",
  "/session/end",
];

describe.each(testDatabaseTargets())("call lifecycle over HTTP on %s", (target) => {
  let server: TestServer;
  let app: Credentials;
  let other: Credentials;
  let receiver: WebhookReceiver;
  let seq = 0;
  const user = (name: string) => `${name}-${++seq}`;

  async function post(path: string, body: unknown, as: Credentials = app) {
    return hiarPost(server, as, path, body);
  }
  async function newCall(members: string[]) {
    const creator = user("alice");
    const created = await post("/create", { userID: creator });
    expect(created.status, created.text).toBe(200);
    const { data } = CreateCollaborationResponse.parse(created.body);
    const ids = { collaborationID: data.collaborationID, sessionID: data.sessionID };
    const invited = await post("/session/invite", {
      ...ids,
      userID: creator,
      members: members.map((userID) => ({ userID })),
    });
    expect(invited.status, invited.text).toBe(200);
    return { ids, creator };
  }
  async function stateOf(ids: { collaborationID: string }, userID: string) {
    const response = await post("/user/query", { userID, history: true });
    const info = QueryByUserResponse.parse(response.body).data.infos.find(
      (i) => i.collaborationID === ids.collaborationID,
    );
    return { member: info?.members[userID]?.memberSessionState, info };
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver({
      lookupSecret: (id) => (id === app?.id ? app.secret : null),
    });
    server = await startTestServer(target, {
      appCount: 2,
      webhookUrl: receiver.url,
      env: {
        // Long enough for the scripted calls below to answer in time on a loaded machine.
        HIAR_CALLING_TIMEOUT_SECONDS: "5",
        WORKER_POLL_INTERVAL_MS: "100",
        WEBHOOK_BACKOFF_BASE_SECONDS: "0.1",
      },
    });
    const [first, second] = server.apps;
    if (!first || !second) throw new Error("two apps were provisioned");
    app = first;
    other = second;
  });
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  it("every lifecycle path is an extension in HIAR_OPERATIONS", () => {
    const extensions = Object.values(HIAR_OPERATIONS)
      .filter((o) => o.origin === "extension")
      .map((o) => o.path);
    expect(extensions).toEqual(expect.arrayContaining(LIFECYCLE_PATHS));
  });

  it("answers, leaves, kicks and ends with the Empty envelope, also under the prefix", async () => {
    const [bob, carol, dave, erin, frank] = ["bob", "carol", "dave", "erin", "frank"].map(user) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const { ids, creator } = await newCall([bob, carol, dave, erin, frank]);
    const ok = async (path: string, body: Record<string, unknown>) => {
      const response = await post(path, { ...ids, ...body });
      expect(response.status, `${path}: ${response.text}`).toBe(200);
      expect(response.text).toBe(JSON.stringify(SUCCESS));
    };
    await ok("/session/accept", { userID: bob });
    await ok("/leliaRTC/session/accept", { userID: carol });
    await ok("/session/decline", { userID: dave });
    await ok("/leliaRTC/session/busy", { userID: erin });
    await ok("/session/offline", { userID: frank });
    await ok("/session/leave", { userID: carol });
    await ok("/leliaRTC/session/kickout", { userID: creator, memberID: bob });
    const states = await Promise.all([bob, carol, dave, erin, frank].map((u) => stateOf(ids, u)));
    expect(states.map((s) => s.member)).toStrictEqual([
      "MEMBER_KICKOUT",
      "MEMBER_LEFT",
      "MEMBER_DECLINE",
      "MEMBER_BUSY",
      "MEMBER_OFFLINE",
    ]);
    expect(states[0]?.info?.sessionInfo.sessionState).toBe("SESSION_START");

    await ok("/leliaRTC/session/end", { userID: creator });
    const ended = await stateOf(ids, bob);
    expect(ended.info?.state).toBe("COLLABORATION_END");
    expect(ended.info?.sessionInfo.sessionState).toBe("SESSION_END");
    const invite = await post("/session/invite", {
      ...ids,
      userID: creator,
      members: [{ userID: bob }],
    });
    expect(invite.status).toBe(409);
    expect(ErrorEnvelope.parse(invite.body).reason).toBe("INVALID_STATE");
  });

  it("refuses with the catalogue's envelopes and changes nothing", async () => {
    const bob = user("bob");
    const { ids, creator } = await newCall([bob]);
    const expectError = async (
      path: string,
      body: unknown,
      status: number,
      reason: string,
      as = app,
    ) => {
      const response = await post(path, body, as);
      expect(response.status, response.text).toBe(status);
      expect(ErrorEnvelope.parse(response.body).reason).toBe(reason);
    };
    await expectError("/session/leave", { ...ids, userID: bob }, 409, "INVALID_STATE");
    await expectError(
      "/session/kickout",
      { ...ids, userID: creator, memberID: bob },
      409,
      "INVALID_STATE",
    );
    await expectError(
      "/session/kickout",
      { ...ids, userID: bob, memberID: creator },
      403,
      "PERMISSION_DENIED",
    );
    await expectError("/session/end", { ...ids, userID: bob }, 403, "PERMISSION_DENIED");
    await expectError("/session/accept", { ...ids, userID: user("nobody") }, 404, "NOT_FOUND");
    await expectError("/session/accept", { ...ids, userID: bob }, 404, "NOT_FOUND", other);
    await expectError("/session/accept", { ...ids }, 400, "INVALID_PARAM");
    await expectError("/otherCap/session/accept", { ...ids, userID: bob }, 404, "NOT_FOUND");
    const unsigned = await hiarPost(
      server,
      app,
      "/session/accept",
      { ...ids, userID: bob },
      { unsigned: true },
    );
    expect(unsigned.status).toBe(401);
    expect((await stateOf(ids, bob)).member).toBe("MEMBER_CALLING");
  });

  it("a rung member who never answers becomes MEMBER_TIMEOUT; one who answers does not", async () => {
    const [silent, quick] = [user("silent"), user("quick")];
    const { ids } = await newCall([silent, quick]);
    const accepted = await post("/session/accept", { ...ids, userID: quick });
    expect(accepted.status).toBe(200);
    const deadline = Date.now() + 20_000;
    while ((await stateOf(ids, silent)).member !== "MEMBER_TIMEOUT" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await stateOf(ids, silent)).member).toBe("MEMBER_TIMEOUT");
    expect((await stateOf(ids, quick)).member).toBe("MEMBER_TALKING");
  });

  it("delivers the session's events to the app's webhook, signed and in order", async () => {
    const bob = user("bob");
    const { ids, creator } = await newCall([bob]);
    await post("/session/accept", { ...ids, userID: bob });
    await post("/session/end", { ...ids, userID: creator });
    const expected = [
      "session.created",
      "member.added",
      "member.invited",
      "member.accepted",
      "session.started",
      "member.left",
      "session.ended",
    ];
    const mine = () => receiver.received.filter((h) => h.event.sessionID === ids.sessionID);
    const deadline = Date.now() + 10_000;
    while (mine().length < expected.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(mine().every((h) => h.verified)).toBe(true);
    expect(mine().map((h) => h.event.type)).toStrictEqual(expected);
    expect(mine().map((h) => h.event.seq)).toStrictEqual(expected.map((_, i) => i + 1));
    expect(new Set(mine().map((h) => h.event.eventID)).size).toBe(expected.length);
    expect(mine()[0]?.event).toMatchObject({ appID: app.id, collaborationID: ids.collaborationID });
  });
});
