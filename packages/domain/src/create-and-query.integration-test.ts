import {
  CreateCollaborationRequest,
  HiarError,
  QueryByUserRequest,
  type QueryByUserRequestInput,
  QueryByUserResp,
} from "@collab/contracts";
import { type Database, newId } from "@collab/db";
import {
  createStatementLog,
  createTestDatabase,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DomainContext } from "./context";
import { createCollaboration } from "./create-collaboration";
import { inviteSession } from "./invite-session";
import { queryCollaborationsByUser } from "./query-collaborations-by-user";
import { contextFor, inviteRequest, newApp, newSession, reasonOf } from "./test-support";

describe.each(testDatabaseTargets())(
  "createCollaboration and queryCollaborationsByUser on %s",
  (target) => {
    let db: TestDatabase;
    let prisma: Database;

    beforeAll(async () => {
      db = await createTestDatabase({ target });
      prisma = db.prisma;
    });

    afterAll(async () => {
      await db?.close();
    });

    /** A fresh app per test: userIDs may then repeat across tests. */
    async function freshContext(traceId?: string): Promise<DomainContext> {
      return contextFor(prisma, await newApp(prisma), traceId);
    }

    function query(ctx: DomainContext, input: QueryByUserRequestInput) {
      return queryCollaborationsByUser(ctx, QueryByUserRequest.parse(input));
    }

    async function ids(ctx: DomainContext, input: QueryByUserRequestInput): Promise<string[]> {
      return (await query(ctx, input)).infos.map((i) => i.collaborationID);
    }

    async function appRowCounts(appId: string) {
      return {
        collaborations: await prisma.collaboration.count({ where: { appId } }),
        sessions: await prisma.session.count({ where: { appId } }),
        members: await prisma.sessionMember.count({ where: { appId } }),
        events: await prisma.sessionEvent.count({ where: { appId } }),
      };
    }

    describe("createCollaboration", () => {
      it("stores the collaboration, its session, the members and the events", async () => {
        const ctx = await freshContext("trace-create");
        const result = await createCollaboration(
          ctx,
          CreateCollaborationRequest.parse({
            userID: "boss",
            beginTime: "1688180400",
            endTime: 1688184000,
            detail: "weekly review",
            extra: "x",
            members: [
              { userID: "ann", confirmState: "CONFIRM_ACCEPT", deviceType: 2, roles: [3] },
              { userID: "bob" },
            ],
            ruleSettings: { numberLimit: 10, confirmControl: true, closeControl: 1, unknown: 1 },
          }),
        );
        expect(result).toStrictEqual({
          collaborationID: expect.stringMatching(/^[0-9a-f]{32}$/),
          sessionID: expect.stringMatching(/^[0-9a-f]{32}$/),
        });
        expect(Object.keys(result)).toStrictEqual(["collaborationID", "sessionID"]);

        const collaboration = await prisma.collaboration.findUniqueOrThrow({
          where: { id: result.collaborationID },
        });
        expect(collaboration).toMatchObject({
          appId: ctx.app.id,
          creatorId: "boss",
          detail: "weekly review",
          extra: "x",
          beginTime: new Date(1688180400_000),
          endTime: new Date(1688184000_000),
          state: "COLLABORATION_START",
          numberLimit: 10,
          confirmControl: true,
        });
        expect(collaboration.ruleSettings).toMatchObject({
          numberLimit: 10,
          confirmControl: true,
          closeControl: "CLOSE_MANUAL",
          stopControl: "STOP_ZERO",
        });
        expect(collaboration.ruleSettings).not.toHaveProperty("unknown");

        const session = await prisma.session.findUniqueOrThrow({ where: { id: result.sessionID } });
        expect(session).toMatchObject({
          appId: ctx.app.id,
          collaborationId: result.collaborationID,
          state: "SESSION_SCHEDULE",
          starterId: "boss",
          beginTime: new Date(1688180400_000),
          endTime: new Date(1688184000_000),
          extra: "",
          recordState: "RECORD_STATE_UNSPECIFIED",
          tools: [],
          eventSeq: 4,
        });

        const members = await prisma.sessionMember.findMany({
          where: { sessionId: result.sessionID },
          orderBy: { userId: "asc" },
        });
        expect(
          members.map((m) => [
            m.userId,
            m.confirmState,
            m.memberSessionState,
            m.deviceType,
            m.roles,
          ]),
        ).toStrictEqual([
          ["ann", "CONFIRM_ACCEPT", "MEMBER_UNSPECIFIED", 2, [3]],
          ["bob", "CONFIRM_UNSPECIFIED", "MEMBER_UNSPECIFIED", 0, []],
          ["boss", "CONFIRM_UNSPECIFIED", "MEMBER_UNSPECIFIED", 0, []],
        ]);
        for (const m of members) {
          expect(m).toMatchObject({ appId: ctx.app.id, invitedBy: null, invitedAt: null });
        }

        const events = await prisma.sessionEvent.findMany({
          where: { sessionId: result.sessionID },
          orderBy: { seq: "asc" },
        });
        expect(
          events.map((e) => [e.seq, e.type, e.actorId, e.subjectId, e.fromState, e.toState]),
        ).toStrictEqual([
          [1, "session.created", "boss", null, null, null],
          [2, "member.added", "boss", "boss", null, "MEMBER_UNSPECIFIED"],
          [3, "member.added", "boss", "ann", null, "MEMBER_UNSPECIFIED"],
          [4, "member.added", "boss", "bob", null, "MEMBER_UNSPECIFIED"],
        ]);
        expect(new Set(events.map((e) => e.traceId))).toStrictEqual(new Set(["trace-create"]));
        expect(events[0]?.payload).toStrictEqual({
          collaborationID: result.collaborationID,
          sessionID: result.sessionID,
        });
      });

      it("the creator listed among the members keeps the listed fields; times 0 are unset", async () => {
        const ctx = await freshContext();
        const { sessionID, collaborationID } = await createCollaboration(
          ctx,
          CreateCollaborationRequest.parse({
            userID: "boss",
            members: [{ userID: "ann" }, { userID: "boss", confirmState: 1, roles: [7] }],
          }),
        );
        const members = await prisma.sessionMember.findMany({
          where: { sessionId: sessionID },
          orderBy: { userId: "asc" },
        });
        expect(members.map((m) => [m.userId, m.confirmState, m.roles])).toStrictEqual([
          ["ann", "CONFIRM_UNSPECIFIED", []],
          ["boss", "CONFIRM_ACCEPT", [7]],
        ]);
        const collaboration = await prisma.collaboration.findUniqueOrThrow({
          where: { id: collaborationID },
        });
        expect(collaboration).toMatchObject({
          beginTime: null,
          endTime: null,
          numberLimit: 0,
          confirmControl: false,
        });
        const session = await prisma.session.findUniqueOrThrow({ where: { id: sessionID } });
        expect(session).toMatchObject({ beginTime: null, endTime: null, eventSeq: 3 });
      });

      it("refuses bad input with INVALID_PARAM and writes nothing", async () => {
        const ctx = await freshContext();
        const before = await appRowCounts(ctx.app.id);
        const valid = CreateCollaborationRequest.parse({ userID: "boss" });
        const cases: [Partial<CreateCollaborationRequest>, string][] = [
          [{ beginTime: 2000, endTime: 1000 }, "endTime"],
          [{ beginTime: -1 }, "beginTime"],
          [{ endTime: 253_402_300_800 }, "endTime"],
          [
            {
              members: [
                { userID: "a", confirmState: "CONFIRM_UNSPECIFIED", deviceType: 0, roles: [] },
                { userID: "a", confirmState: "CONFIRM_UNSPECIFIED", deviceType: 0, roles: [] },
              ],
            },
            "members[1].userID",
          ],
        ];
        for (const [patch, field] of cases) {
          const error = await createCollaboration(ctx, { ...valid, ...patch }).catch((e) => e);
          expect(error).toBeInstanceOf(HiarError);
          expect((error as HiarError).reason).toBe("INVALID_PARAM");
          expect((error as HiarError).field).toBe(field);
        }
        expect(await appRowCounts(ctx.app.id)).toStrictEqual(before);
      });

      it("costs the same number of SQL statements for 0 and for 50 members", async () => {
        const ctx = await freshContext();
        const log = createStatementLog(db.url);
        try {
          const lctx = contextFor(log.prisma, ctx.app.id);
          await log.prisma.$queryRaw`SELECT 1`;
          const count = async (members: number) => {
            log.clear();
            await createCollaboration(
              lctx,
              CreateCollaborationRequest.parse({
                userID: "boss",
                members: Array.from({ length: members }, (_, i) => ({ userID: `m${i}` })),
              }),
            );
            return [...log.statements];
          };
          const none = await count(0);
          const fifty = await count(50);
          expect(none).toHaveLength(6);
          expect(fifty).toHaveLength(6);
          expect(none[0]).toMatch(/^BEGIN/);
          expect(none.at(-1)).toMatch(/^COMMIT/);
          expect(await prisma.sessionMember.count({ where: { appId: ctx.app.id } })).toBe(52);
        } finally {
          await log.close();
        }
      });
    });

    describe("queryCollaborationsByUser", () => {
      it("answers exact protojson, with sessionInfo and the members map", async () => {
        const ctx = await freshContext();
        const { collaborationID, sessionID } = await createCollaboration(
          ctx,
          CreateCollaborationRequest.parse({
            userID: "user01",
            beginTime: 1688180400,
            endTime: 1688184000,
            detail: "weekly review",
            extra: "media configs",
            members: [{ userID: "user01", confirmState: "CONFIRM_ACCEPT", roles: [1] }],
            ruleSettings: { numberLimit: 10, confirmControl: true },
          }),
        );
        await inviteSession(
          ctx,
          inviteRequest({ collaborationID, sessionID }, "user01", [
            {
              userID: "user02",
              medias: [1],
              tools: [{ kind: 2, extra: "board" }],
              roles: [],
              deviceType: 3,
              seqID: 4,
              extra: "hi",
            },
          ]),
        );
        const resp = await query(ctx, { userID: "user02" });
        expect(QueryByUserResp.parse(resp)).toStrictEqual(resp);
        expect(JSON.stringify(resp)).toBe(
          JSON.stringify({
            infos: [
              {
                collaborationID,
                state: "COLLABORATION_START",
                sessionInfo: {
                  sessionID,
                  sessionState: "SESSION_SCHEDULE",
                  beginTime: "1688180400",
                  endTime: "1688184000",
                  tools: [],
                  starterID: "user01",
                  extra: "",
                  recordState: "RECORD_STATE_UNSPECIFIED",
                },
                members: {
                  user01: {
                    userID: "user01",
                    confirmState: "CONFIRM_ACCEPT",
                    memberSessionState: "MEMBER_UNSPECIFIED",
                    medias: [],
                    tools: [],
                    roles: [1],
                    deviceType: 0,
                    seqID: 0,
                    extra: "",
                  },
                  user02: {
                    userID: "user02",
                    confirmState: "CONFIRM_UNSPECIFIED",
                    memberSessionState: "MEMBER_CALLING",
                    medias: [1],
                    tools: [{ kind: 2, extra: "board", userID: "" }],
                    roles: [],
                    deviceType: 3,
                    seqID: 4,
                    extra: "hi",
                  },
                },
                userID: "user01",
                detail: "weekly review",
                extra: "media configs",
                beginTime: "1688180400",
                endTime: "1688184000",
                ruleSettings: {
                  stopControl: "STOP_ZERO",
                  closeControl: "CLOSE_UNSPECIFIED",
                  numberLimit: 10,
                  autoRecord: false,
                  isMuteIn: false,
                  isCameraOffIn: false,
                  confirmControl: true,
                  roleControl: false,
                  roleRights: [],
                  mediaControl: {
                    audioLimit: 0,
                    videoLimit: 0,
                    audios: [],
                    videos: [],
                    mediaSet: [],
                    mutex: [],
                  },
                  toolControl: { toolSet: [], mutex: [] },
                },
              },
            ],
          }),
        );
        // The creator sees it too; a stranger sees nothing.
        expect(await ids(ctx, { userID: "user01" })).toStrictEqual([collaborationID]);
        expect(await query(ctx, { userID: "user03" })).toStrictEqual({ infos: [] });
      });

      it("newest first (created_at, then id), limit 20 by default, limit and offset", async () => {
        const ctx = await freshContext();
        const made: string[] = [];
        for (let i = 0; i < 22; i++) {
          const s = await newSession(ctx, { creator: "me" });
          made.push(s.collaborationID);
        }
        // Distinct creation times, oldest first in `made`; the last two share one instant.
        const base = Date.UTC(2026, 0, 1);
        for (const [i, id] of made.entries()) {
          await prisma.collaboration.update({
            where: { id },
            data: { createdAt: new Date(base + Math.min(i, 20) * 60_000) },
          });
        }
        const tied = made.slice(20).sort().reverse(); // id DESC among the tied newest
        const expected = [...tied, ...made.slice(0, 20).reverse()];

        const page1 = await ids(ctx, { userID: "me" });
        expect(page1).toStrictEqual(expected.slice(0, 20));
        expect(await ids(ctx, { userID: "me", offset: 20 })).toStrictEqual(expected.slice(20));
        expect(await ids(ctx, { userID: "me", limit: 5, offset: 3 })).toStrictEqual(
          expected.slice(3, 8),
        );
        expect(await ids(ctx, { userID: "me", limit: 100 })).toStrictEqual(expected);
        expect(await ids(ctx, { userID: "me", offset: 22 })).toStrictEqual([]);
      });

      it("history false hides ended collaborations", async () => {
        const ctx = await freshContext();
        const live = await newSession(ctx, { creator: "me" });
        const ended = await newSession(ctx, { creator: "me" });
        const sessionEnded = await newSession(ctx, { creator: "me" });
        await prisma.collaboration.update({
          where: { id: ended.collaborationID },
          data: { state: "COLLABORATION_END" },
        });
        await prisma.session.update({
          where: { id: sessionEnded.sessionID },
          data: { state: "SESSION_END" },
        });
        const shown = await ids(ctx, { userID: "me" });
        expect(new Set(shown)).toStrictEqual(
          new Set([live.collaborationID, sessionEnded.collaborationID]),
        );
        const all = await ids(ctx, { userID: "me", history: true });
        expect(new Set(all)).toStrictEqual(
          new Set([live.collaborationID, ended.collaborationID, sessionEnded.collaborationID]),
        );
      });

      it("beginTime/endTime select collaborations overlapping the window (0 = unbounded)", async () => {
        const ctx = await freshContext();
        const t = 1_700_000_000;
        const make = async (beginTime: number, endTime: number) =>
          (await newSession(ctx, { creator: "me", request: { beginTime, endTime } }))
            .collaborationID;
        const a = await make(t + 100, t + 200);
        const b = await make(t + 300, t + 400);
        const open = await make(0, 0);
        const from500 = await make(t + 500, 0);
        const until50 = await make(0, t + 50);
        const window = async (beginTime: number, endTime: number) =>
          new Set(await ids(ctx, { userID: "me", beginTime, endTime }));

        expect(await window(0, 0)).toStrictEqual(new Set([a, b, open, from500, until50]));
        expect(await window(t + 150, t + 250)).toStrictEqual(new Set([a, open]));
        expect(await window(t + 250, 0)).toStrictEqual(new Set([b, open, from500]));
        expect(await window(0, t + 350)).toStrictEqual(new Set([a, b, open, until50]));
        // Ends included.
        expect(await window(t + 400, t + 500)).toStrictEqual(new Set([b, open, from500]));
        expect(await window(t + 201, t + 299)).toStrictEqual(new Set([open]));
        expect(await reasonOf(query(ctx, { userID: "me", beginTime: t + 2, endTime: t + 1 }))).toBe(
          "INVALID_PARAM",
        );
      });

      it("another app's collaborations are invisible", async () => {
        const ours = await freshContext();
        const theirs = await freshContext();
        const mine = await newSession(ours, { creator: "shared" });
        await newSession(theirs, { creator: "shared" });
        await newSession(theirs, { creator: "x", members: ["shared"] });
        expect(await ids(ours, { userID: "shared", history: true })).toStrictEqual([
          mine.collaborationID,
        ]);
        expect(await ids(theirs, { userID: "shared" })).toHaveLength(2);
      });

      it("membership is in the collaboration's current (newest) session", async () => {
        const ctx = await freshContext();
        const s = await newSession(ctx, { creator: "old-member" });
        expect(await ids(ctx, { userID: "old-member" })).toStrictEqual([s.collaborationID]);
        const newer = await prisma.session.create({
          data: {
            id: newId(),
            appId: ctx.app.id,
            collaborationId: s.collaborationID,
            starterId: "new-member",
            createdAt: new Date(Date.now() + 60_000),
          },
        });
        await prisma.sessionMember.create({
          data: { appId: ctx.app.id, sessionId: newer.id, userId: "new-member" },
        });
        expect(await ids(ctx, { userID: "old-member" })).toStrictEqual([]);
        const resp = await query(ctx, { userID: "new-member" });
        expect(resp.infos.map((i) => [i.collaborationID, i.sessionInfo.sessionID])).toStrictEqual([
          [s.collaborationID, newer.id],
        ]);
        expect(Object.keys(resp.infos[0]?.members ?? {})).toStrictEqual(["new-member"]);
        await prisma.session.delete({ where: { id: newer.id } });
      });

      it("costs 2 SQL statements whatever the page size (1 for an empty page)", async () => {
        const ctx = await freshContext();
        for (let i = 0; i < 30; i++) {
          await newSession(ctx, { creator: "me", members: [`m${i}`, "all"] });
        }
        const log = createStatementLog(db.url);
        try {
          const lctx = contextFor(log.prisma, ctx.app.id);
          await log.prisma.$queryRaw`SELECT 1`;
          const count = async (input: QueryByUserRequestInput) => {
            log.clear();
            const resp = await query(lctx, input);
            return { statements: log.statements.length, size: resp.infos.length };
          };
          expect(await count({ userID: "m0" })).toStrictEqual({ statements: 2, size: 1 });
          expect(await count({ userID: "all", limit: 30 })).toStrictEqual({
            statements: 2,
            size: 30,
          });
          expect(await count({ userID: "nobody" })).toStrictEqual({ statements: 1, size: 0 });
        } finally {
          await log.close();
        }
      });
    });
  },
);
