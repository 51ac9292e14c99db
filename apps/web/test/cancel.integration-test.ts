import {
  CreateCollaborationResponse,
  EMPTY_ANY,
  ErrorEnvelope,
  QueryByUserResponse,
  SessionEventsResponse,
} from "@collab/contracts";
import { testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, hiarPost } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

// POST /session/cancel and the reasons over real HTTP against the production build: the wire
// shape (the Empty envelope, the catalogue's errors naming the field, also under the capability
// prefix), what changed (through /user/query), and the events in signed webhooks and
// /session/events.

const SUCCESS = JSON.stringify({ code: 0, reason: "SUCCESS", message: "", data: EMPTY_ANY });

describe.each(testDatabaseTargets())(
  "POST /session/cancel and reasons over HTTP on %s",
  (target) => {
    let server: TestServer;
    let app: Credentials;
    let other: Credentials;
    let receiver: WebhookReceiver;
    let seq = 0;
    const user = (name: string) => `${name}-${++seq}`;
    const post = (path: string, body: unknown, as: Credentials = app) =>
      hiarPost(server, as, path, body);

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
    async function states(ids: { collaborationID: string }, creator: string) {
      const response = await post("/user/query", { userID: creator, history: true });
      const info = QueryByUserResponse.parse(response.body).data.infos.find(
        (i) => i.collaborationID === ids.collaborationID,
      );
      return Object.fromEntries(
        Object.entries(info?.members ?? {}).map(([u, m]) => [u, m.memberSessionState]),
      );
    }
    async function events(ids: { collaborationID: string; sessionID: string }) {
      const response = await post("/session/events", ids);
      expect(response.status, response.text).toBe(200);
      return SessionEventsResponse.parse(response.body).data.events;
    }

    beforeAll(async () => {
      receiver = await startWebhookReceiver({
        lookupSecret: (id) => (id === app?.id ? app.secret : null),
      });
      server = await startTestServer(target, {
        appCount: 2,
        webhookUrl: receiver.url,
        env: { WORKER_POLL_INTERVAL_MS: "100", WEBHOOK_BACKOFF_BASE_SECONDS: "0.1" },
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

    it("stops rings with the Empty envelope, also under the prefix; webhooks carry member.cancelled", async () => {
      const [bob, carol, dave] = [user("bob"), user("carol"), user("dave")];
      const { ids, creator } = await newCall([bob, carol, dave]);
      const plain = await post("/session/cancel", { ...ids, userID: creator, members: [bob] });
      expect(plain.status, plain.text).toBe(200);
      expect(plain.text).toBe(SUCCESS);
      const prefixed = await post("/leliaRTC/session/cancel", {
        ...ids,
        userID: creator,
        members: [carol],
        reason: "wrong_person",
        extra: "meant erin",
      });
      expect(prefixed.text).toBe(SUCCESS);
      expect(await states(ids, creator)).toMatchObject({
        [bob]: "MEMBER_LEFT",
        [carol]: "MEMBER_LEFT",
        [dave]: "MEMBER_CALLING",
      });

      const cancelled = (await events(ids)).filter((e) => e.type === "member.cancelled");
      expect(
        cancelled.map((e) => [e.subjectID, e.actorID, e.fromState, e.toState, e.payload]),
      ).toStrictEqual([
        [bob, creator, "MEMBER_CALLING", "MEMBER_LEFT", { collaborationID: ids.collaborationID }],
        [
          carol,
          creator,
          "MEMBER_CALLING",
          "MEMBER_LEFT",
          { collaborationID: ids.collaborationID, reason: "wrong_person", extra: "meant erin" },
        ],
      ]);
      // The webhook delivers the same events, signed.
      const mine = () =>
        receiver.received.filter(
          (h) => h.event.sessionID === ids.sessionID && h.event.type === "member.cancelled",
        );
      const deadline = Date.now() + 15_000;
      while (mine().length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(mine().every((h) => h.verified)).toBe(true);
      expect(mine().map((h) => h.event)).toStrictEqual(cancelled);
    });

    it("refusals: the catalogue's envelopes naming the field, and nothing changes", async () => {
      const [bob, carol] = [user("bob"), user("carol")];
      const { ids, creator } = await newCall([bob, carol]);
      expect((await post("/session/accept", { ...ids, userID: carol })).status).toBe(200);
      const before = await states(ids, creator);
      const seqBefore = (await events(ids)).length;
      const refused = async (body: unknown, status: number, reason: string, as = app) => {
        const response = await post("/session/cancel", body, as);
        expect(response.status, response.text).toBe(status);
        const envelope = ErrorEnvelope.parse(response.body);
        expect(envelope.reason).toBe(reason);
        return envelope.message;
      };
      expect(
        await refused({ ...ids, userID: creator, members: [bob, carol] }, 409, "INVALID_STATE"),
      ).toContain(carol);
      expect(
        await refused({ ...ids, userID: carol, members: [bob] }, 403, "PERMISSION_DENIED"),
      ).toContain(bob);
      await refused({ ...ids, userID: creator, members: [user("ghost")] }, 404, "NOT_FOUND");
      await refused({ ...ids, userID: creator, members: [bob] }, 404, "NOT_FOUND", other);
      expect(await refused({ ...ids, userID: creator, members: [] }, 400, "INVALID_PARAM")).toBe(
        "members: must list 1–100 members",
      );
      expect(
        await refused(
          { ...ids, userID: creator, members: [bob], reason: "x".repeat(65) },
          400,
          "INVALID_PARAM",
        ),
      ).toBe("reason: must be at most 64 characters");
      expect(
        await refused(
          { ...ids, userID: creator, members: [bob], extra: "x".repeat(4097) },
          400,
          "INVALID_PARAM",
        ),
      ).toMatch(/^extra: /);
      // The same rules on the other operations that take a reason.
      const decline = await post("/session/decline", { ...ids, userID: bob, reason: 7 });
      expect(decline.status).toBe(400);
      expect(ErrorEnvelope.parse(decline.body).message).toMatch(/^reason: /);
      const end = await post("/session/end", { ...ids, userID: creator, reason: "session_ended" });
      expect(end.status).toBe(400);
      expect(ErrorEnvelope.parse(end.body).message).toMatch(/^reason: /);
      expect(await states(ids, creator)).toStrictEqual(before);
      expect((await events(ids)).length).toBe(seqBefore);
    });

    it("decline, busy, leave, kickout and end record a reason when sent, nothing new otherwise", async () => {
      const [bob, carol, dave, erin] = [user("bob"), user("carol"), user("dave"), user("erin")];
      const { ids, creator } = await newCall([bob, carol, dave, erin]);
      const ok = async (path: string, body: Record<string, unknown>) => {
        const response = await post(path, { ...ids, ...body });
        expect(response.text, path).toBe(SUCCESS);
      };
      await ok("/session/decline", { userID: bob, reason: "declined", extra: "in a meeting" });
      await ok("/session/busy", { userID: carol });
      await ok("/session/accept", { userID: dave });
      await ok("/session/accept", { userID: erin });
      await ok("/session/leave", { userID: dave, reason: "battery" });
      await ok("/session/kickout", { userID: creator, memberID: erin, extra: "warned twice" });
      await ok("/leliaRTC/session/end", { userID: creator, reason: "done" });
      const payloads = Object.fromEntries(
        (await events(ids))
          .filter((e) => !["member.invited", "member.added", "session.created"].includes(e.type))
          .map((e) => [
            e.type === "member.accepted" ? `${e.type} ${e.subjectID}` : e.type,
            e.payload,
          ]),
      );
      const c = { collaborationID: ids.collaborationID };
      expect(payloads).toStrictEqual({
        "member.declined": { ...c, reason: "declined", extra: "in a meeting" },
        "member.busy": c,
        [`member.accepted ${dave}`]: c,
        [`member.accepted ${erin}`]: c,
        "session.started": { ...c, sessionState: "SESSION_START" },
        "member.left": { ...c, reason: "battery" },
        "member.kicked_out": { ...c, extra: "warned twice" },
        "session.ended": {
          ...c,
          sessionState: "SESSION_END",
          collaborationState: "COLLABORATION_END",
          membersLeft: 0,
          reason: "done",
        },
      });
    });
  },
);
