import { TYPE_URLS } from "@collab/contracts";
import { testDatabaseTargets } from "@collab/db/testing";
import type { OpenApiDocument } from "@collab/openapi";
import { type DocumentValidator, documentValidator } from "@collab/openapi/testing";
import { createHiarClient, type HiarClient } from "@collab/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hiarPost } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";

// Busy detection switched on for the deployment (HIAR_BUSY_DETECTION=1) and POST /user/calls,
// against the production build: an invitee talking elsewhere is answered busy, the webhook
// event log says where, and the user's calls list it as missed; the wire shapes are the
// documented ones (checked against the served OpenAPI document), also under the capability
// prefix, and a bad request gets the error envelope.

describe.each(testDatabaseTargets())("busy detection and POST /user/calls on %s", (target) => {
  let server: TestServer;
  let hiar: HiarClient;
  let app: { id: string; secret: string };
  let validate: DocumentValidator;

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 1, env: { HIAR_BUSY_DETECTION: "1" } });
    const [first] = server.apps;
    if (!first) throw new Error("an app was provisioned");
    app = first;
    hiar = createHiarClient({ baseUrl: server.baseUrl, appId: app.id, secret: app.secret });
    const document = (await (
      await fetch(`${server.baseUrl}/openapi.json`)
    ).json()) as OpenApiDocument;
    validate = documentValidator(document);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("a talking invitee is busy, not rung; their calls say so, newest first", async () => {
    // bob talks with alice…
    const talk = await hiar.createCollaboration({ userID: "alice", detail: "first call" });
    await hiar.inviteSession({ ...ids(talk), userID: "alice", members: [{ userID: "bob" }] });
    await hiar.acceptCall({ ...ids(talk), userID: "bob" });
    // …when carol rings him (the deployment's default applies: the collaboration sets none).
    const ring = await hiar.createCollaboration({ userID: "carol", detail: "second call" });
    await hiar.inviteSession({ ...ids(ring), userID: "carol", members: [{ userID: "bob" }] });

    const events = await hiar.fetchSessionEvents({ ...ids(ring) });
    const busy = events.events.at(-1);
    expect(busy).toMatchObject({
      type: "member.busy",
      subjectID: "bob",
      actorID: null,
      fromState: null,
      toState: "MEMBER_BUSY",
      payload: {
        reason: "busy",
        detectedBy: "server",
        invitedBy: "carol",
        talkingIn: ids(talk),
      },
    });

    const path = "/user/calls";
    const answer = await hiarPost(server, app, path, { userID: "bob" });
    expect(answer.status, answer.text).toBe(200);
    expect(validate.response(path, 200, answer.body), answer.text).toBeNull();
    const data = (answer.body as { data: Record<string, unknown> }).data;
    expect(data["@type"]).toBe(TYPE_URLS.UserCallsResp);
    expect(data.hasMore).toBe(false);
    expect(data.nextCursor).toBe("");
    expect(
      (data.calls as { sessionID: string; outcome: string; missedReason: string | null }[]).map(
        (c) => [c.sessionID, c.outcome, c.missedReason],
      ),
    ).toStrictEqual([
      [ring.sessionID, "missed", "busy"],
      [talk.sessionID, "ongoing", null],
    ]);

    // The SDK method, under the capability prefix, with a filter and a page of one.
    const prefixed = createHiarClient({
      baseUrl: `${server.baseUrl}/leliaRTC/`,
      appId: app.id,
      secret: app.secret,
    });
    const missed = await prefixed.fetchUserCalls({ userID: "bob", outcome: "missed", limit: 1 });
    expect(missed.calls.map((c) => [c.sessionID, c.detail, c.invitedBy])).toStrictEqual([
      [ring.sessionID, "second call", "carol"],
    ]);
    expect(missed.hasMore).toBe(false);
    const first = await hiar.fetchUserCalls({ userID: "bob", limit: 1 });
    expect(first.hasMore).toBe(true);
    const second = await hiar.fetchUserCalls({ userID: "bob", limit: 1, cursor: first.nextCursor });
    expect(second.calls.map((c) => c.sessionID)).toStrictEqual([talk.sessionID]);
    expect(second.hasMore).toBe(false);
  });

  it("refuses a bad request with the documented error envelope", async () => {
    const path = "/user/calls";
    for (const body of [
      { userID: "bob", cursor: "not-a-cursor" },
      { userID: "bob", outcome: "lost" },
      { userID: "bob", limit: 101 },
      { userID: "bob", beginTime: 20, endTime: 10 },
      { userID: "" },
    ]) {
      const answer = await hiarPost(server, app, path, body);
      expect(answer.status, answer.text).toBe(400);
      expect(validate.response(path, 400, answer.body), answer.text).toBeNull();
      expect(answer.body).toMatchObject({ reason: "INVALID_PARAM", data: null });
    }
  });
});

function ids(c: { collaborationID: string; sessionID: string }) {
  return { collaborationID: c.collaborationID, sessionID: c.sessionID };
}
