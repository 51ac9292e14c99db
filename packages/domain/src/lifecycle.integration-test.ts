import {
  canTransition,
  EndSessionRequest,
  type HiarError,
  KickoutRequest,
  MEMBER_SESSION_STATES,
  MemberActionRequest,
  type MemberActionRequestInput,
  type MemberSessionStateName,
  type MemberTransitionResult,
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
import { endSession } from "./end-session";
import { inviteSession } from "./invite-session";
import {
  acceptCall,
  declineCall,
  kickoutMember,
  leaveSession,
  reportBusy,
  reportOffline,
} from "./member-actions";
import {
  contextFor,
  inviteRequest,
  makeDue,
  newApp,
  newSession,
  reasonOf,
  type SessionFixture,
  sessionSnapshot,
  setStates,
  uid,
} from "./test-support";
import { timeOutDueCalls } from "./time-out-due-calls";

type Action = (ctx: DomainContext, input: MemberActionRequest) => Promise<MemberTransitionResult>;

// Every client-requested transition, with the state it leads to and its event.
const ACTIONS: readonly {
  name: string;
  to: MemberSessionStateName;
  event: string;
  run: (ctx: DomainContext, s: SessionFixture, userID: string) => Promise<MemberTransitionResult>;
}[] = [
  ...(
    [
      ["accept", acceptCall, "MEMBER_TALKING", "member.accepted"],
      ["decline", declineCall, "MEMBER_DECLINE", "member.declined"],
      ["busy", reportBusy, "MEMBER_BUSY", "member.busy"],
      ["offline", reportOffline, "MEMBER_OFFLINE", "member.offline"],
      ["leave", leaveSession, "MEMBER_LEFT", "member.left"],
    ] as const
  ).map(([name, fn, to, event]) => ({
    name,
    to,
    event,
    run: (ctx: DomainContext, s: SessionFixture, userID: string) =>
      (fn as Action)(ctx, memberAction(s, userID)),
  })),
  {
    name: "kickout",
    to: "MEMBER_KICKOUT",
    event: "member.kicked_out",
    run: (ctx, s, userID) =>
      kickoutMember(ctx, KickoutRequest.parse({ ...ids(s), userID: s.creator, memberID: userID })),
  },
];

function ids(s: SessionFixture) {
  return { collaborationID: s.collaborationID, sessionID: s.sessionID };
}

function memberAction(
  s: SessionFixture,
  userID: string,
  extra: Partial<MemberActionRequestInput> = {},
) {
  return MemberActionRequest.parse({ ...ids(s), userID, ...extra });
}

/** Only the rings a test makes due (makeDue) time out, however long the file runs. */
const HOUR = { callingTimeoutSeconds: 3600 } as const;

describe.each(testDatabaseTargets())("call lifecycle on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let appId: string;
  let ctx: DomainContext;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    appId = await newApp(prisma, "lifecycle tests");
    ctx = contextFor(prisma, appId, "trace-lifecycle", HOUR);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A session whose creator rang `member` (CALLING), then set to `state` directly. */
  async function memberIn(state: MemberSessionStateName) {
    const s = await newSession(ctx);
    const member = uid("m");
    await inviteSession(ctx, inviteRequest(s, s.creator, [member]));
    if (state !== "MEMBER_CALLING") await setStates(prisma, s.sessionID, { [member]: state });
    return { s, member };
  }

  describe("state machine: every transition from every state", () => {
    for (const action of ACTIONS) {
      for (const from of MEMBER_SESSION_STATES) {
        const allowed = canTransition(from, action.to);
        it(`${action.name} from ${from}: ${allowed ? "allowed" : "INVALID_STATE"}`, async () => {
          const { s, member } = await memberIn(from);
          // The kicker (the creator) talks, so a kick is about the member alone.
          const before = await sessionSnapshot(prisma, s.sessionID);
          if (allowed) {
            const result = await action.run(ctx, s, member);
            expect(result).toMatchObject({
              userID: member,
              fromState: from,
              memberSessionState: action.to,
            });
            const after = await sessionSnapshot(prisma, s.sessionID);
            const row = after.members.find((m) => m.userId === member);
            expect(row?.memberSessionState).toBe(action.to);
            // Out of CALLING (or any state): no calling deadline left behind.
            expect(row?.callingDeadline).toBeNull();
            const added = after.events.slice(before.events.length);
            expect(added[0]).toMatchObject({
              type: action.event,
              subjectId: member,
              actorId: action.name === "kickout" ? s.creator : member,
              fromState: from,
              toState: action.to,
              traceId: "trace-lifecycle",
              seq: before.session.eventSeq + 1,
              payload: { collaborationID: s.collaborationID },
            });
            // An accept starts the scheduled session, with its own event.
            if (action.to === "MEMBER_TALKING") {
              expect(after.session.state).toBe("SESSION_START");
              expect(added.map((e) => e.type)).toStrictEqual([
                "member.accepted",
                "session.started",
              ]);
            } else {
              expect(added).toHaveLength(1);
            }
          } else {
            expect(await reasonOf(action.run(ctx, s, member))).toBe("INVALID_STATE");
            expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
          }
        });
      }
    }
  });

  describe("refusals", () => {
    it("NOT_FOUND for a non-member, another app's session, unknown or malformed ids", async () => {
      const { s, member } = await memberIn("MEMBER_CALLING");
      const before = await sessionSnapshot(prisma, s.sessionID);
      expect(await reasonOf(acceptCall(ctx, memberAction(s, uid("stranger"))))).toBe("NOT_FOUND");
      expect(await reasonOf(acceptCall(ctx, memberAction(s, member, { sessionID: newId() })))).toBe(
        "NOT_FOUND",
      );
      expect(
        await reasonOf(acceptCall(ctx, memberAction(s, member, { collaborationID: newId() }))),
      ).toBe("NOT_FOUND");
      expect(await reasonOf(acceptCall(ctx, memberAction(s, member, { sessionID: "x" })))).toBe(
        "NOT_FOUND",
      );
      const otherApp = contextFor(prisma, await newApp(prisma, "other"), undefined, HOUR);
      expect(await reasonOf(acceptCall(otherApp, memberAction(s, member)))).toBe("NOT_FOUND");
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
    });

    it("after the session ended every transition and invite is INVALID_STATE", async () => {
      const s = await newSession(ctx);
      const [calling, talking] = [uid("c"), uid("t")];
      await inviteSession(ctx, inviteRequest(s, s.creator, [calling, talking]));
      await acceptCall(ctx, memberAction(s, talking));
      await endSession(ctx, EndSessionRequest.parse({ ...ids(s), userID: s.creator }));
      const before = await sessionSnapshot(prisma, s.sessionID);
      for (const action of ACTIONS) {
        expect(await reasonOf(action.run(ctx, s, talking))).toBe("INVALID_STATE");
      }
      expect(await reasonOf(inviteSession(ctx, inviteRequest(s, s.creator, [calling])))).toBe(
        "INVALID_STATE",
      );
      expect(
        await reasonOf(endSession(ctx, EndSessionRequest.parse({ ...ids(s), userID: s.creator }))),
      ).toBe("INVALID_STATE");
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
    });
  });

  describe("kickout rights", () => {
    async function talkingPair(ruleSettings: Record<string, unknown> = {}) {
      const starter = uid("starter");
      const [kicker, target] = [uid("kicker"), uid("target")];
      const s = await newSession(ctx, { creator: starter, request: { ruleSettings } });
      await inviteSession(
        ctx,
        inviteRequest(s, starter, [
          { userID: kicker, roles: [2] },
          { userID: target, roles: [9] },
        ]),
      );
      await setStates(prisma, s.sessionID, {
        [kicker]: "MEMBER_TALKING",
        [target]: "MEMBER_TALKING",
      });
      return { s, kicker, target };
    }
    const kick = (s: SessionFixture, userID: string, memberID: string) =>
      kickoutMember(ctx, KickoutRequest.parse({ ...ids(s), userID, memberID }));

    it("without role control: the starter / creator may, another member may not", async () => {
      const { s, kicker, target } = await talkingPair();
      const before = await sessionSnapshot(prisma, s.sessionID);
      expect(await reasonOf(kick(s, kicker, target))).toBe("PERMISSION_DENIED");
      expect(await reasonOf(kick(s, uid("outsider"), target))).toBe("PERMISSION_DENIED");
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
      await expect(kick(s, s.creator, target)).resolves.toMatchObject({
        memberSessionState: "MEMBER_KICKOUT",
      });
      // A kicked-out member may not kick (nor be kicked again).
      await setStates(prisma, s.sessionID, { [s.creator]: "MEMBER_KICKOUT" });
      expect(await reasonOf(kick(s, s.creator, kicker))).toBe("PERMISSION_DENIED");
    });

    it("with role control: a role granted RIGHT_KICKOUT or RIGHT_ALL, and no one else", async () => {
      for (const right of ["RIGHT_KICKOUT", "RIGHT_ALL"]) {
        const { s, kicker, target } = await talkingPair({
          roleControl: true,
          roleRights: [
            { role: 2, rights: [right] },
            { role: 9, rights: ["RIGHT_START"] },
          ],
        });
        // The creator holds no granted role: role control replaces the default.
        expect(await reasonOf(kick(s, s.creator, target))).toBe("PERMISSION_DENIED");
        expect(await reasonOf(kick(s, target, kicker))).toBe("PERMISSION_DENIED");
        await expect(kick(s, kicker, target)).resolves.toMatchObject({
          fromState: "MEMBER_TALKING",
          memberSessionState: "MEMBER_KICKOUT",
        });
      }
    });

    it("a target that is not a member is NOT_FOUND; kicking oneself is INVALID_PARAM", async () => {
      const { s, target } = await talkingPair();
      expect(await reasonOf(kick(s, s.creator, uid("ghost")))).toBe("NOT_FOUND");
      expect(() => KickoutRequest.parse({ ...ids(s), userID: target, memberID: target })).toThrow(
        /memberID/,
      );
    });
  });

  describe("end", () => {
    it("moves CALLING and TALKING members to LEFT, ends session and collaboration", async () => {
      const s = await newSession(ctx, { members: [uid("idle")] });
      const [calling, talking, declined] = [uid("c"), uid("t"), uid("d")];
      await inviteSession(ctx, inviteRequest(s, s.creator, [calling, talking, declined]));
      await acceptCall(ctx, memberAction(s, talking));
      await declineCall(ctx, memberAction(s, declined));
      const before = await sessionSnapshot(prisma, s.sessionID);

      const result = await endSession(
        { ...ctx, trace: { id: "trace-end" } },
        EndSessionRequest.parse({ ...ids(s), userID: s.creator }),
      );
      expect(result).toStrictEqual({
        members: [
          { userID: calling, fromState: "MEMBER_CALLING" },
          { userID: talking, fromState: "MEMBER_TALKING" },
        ],
        sessionState: "SESSION_END",
        collaborationState: "COLLABORATION_END",
      });
      const after = await sessionSnapshot(prisma, s.sessionID);
      const state = (id: string) => after.members.find((m) => m.userId === id)?.memberSessionState;
      expect([state(calling), state(talking), state(declined), state(s.creator)]).toStrictEqual([
        "MEMBER_LEFT",
        "MEMBER_LEFT",
        "MEMBER_DECLINE",
        "MEMBER_UNSPECIFIED",
      ]);
      expect(after.session.state).toBe("SESSION_END");
      const collaboration = await prisma.collaboration.findUniqueOrThrow({
        where: { id: s.collaborationID },
      });
      expect(collaboration.state).toBe("COLLABORATION_END");
      const added = after.events.slice(before.events.length);
      expect(added.map((e) => [e.type, e.subjectId, e.fromState, e.toState])).toStrictEqual([
        ["member.left", calling, "MEMBER_CALLING", "MEMBER_LEFT"],
        ["member.left", talking, "MEMBER_TALKING", "MEMBER_LEFT"],
        ["session.ended", null, null, null],
      ]);
      expect(added.every((e) => e.actorId === s.creator && e.traceId === "trace-end")).toBe(true);
    });

    it("only the starter or the creator may end it", async () => {
      const s = await newSession(ctx, { members: [uid("member")] });
      const other = uid("m");
      await inviteSession(ctx, inviteRequest(s, s.creator, [other]));
      const before = await sessionSnapshot(prisma, s.sessionID);
      expect(
        await reasonOf(endSession(ctx, EndSessionRequest.parse({ ...ids(s), userID: other }))),
      ).toBe("PERMISSION_DENIED");
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
      // The starter, when it is not the creator.
      await prisma.session.update({ where: { id: s.sessionID }, data: { starterId: other } });
      await expect(
        endSession(ctx, EndSessionRequest.parse({ ...ids(s), userID: other })),
      ).resolves.toMatchObject({ sessionState: "SESSION_END" });
    });
  });

  describe("concurrency", () => {
    async function parallelClient(): Promise<{ client: Database; close: () => Promise<void> }> {
      if (target === "pglite") return { client: prisma, close: async () => {} };
      const log = createStatementLog(db.url, { poolMax: 12 });
      return { client: log.prisma, close: () => log.close() };
    }

    it("two concurrent transitions of one member: one winner, the loser INVALID_STATE", async () => {
      const { client, close } = await parallelClient();
      try {
        const pctx = contextFor(client, appId, undefined, HOUR);
        for (let round = 0; round < 5; round++) {
          const { s, member } = await memberIn("MEMBER_CALLING");
          await makeDue(prisma, s.sessionID, [member]);
          const results = await Promise.allSettled([
            acceptCall(pctx, memberAction(s, member)),
            declineCall(pctx, memberAction(s, member)),
            reportBusy(pctx, memberAction(s, member)),
            // The calling timeout's sweep competes too; it leaves the member alone when it loses.
            timeOutDueCalls({ db: client }).then((sweep) => {
              if (!sweep.timedOut.some((m) => m.userId === member)) {
                throw Object.assign(new Error("not timed out"), { reason: "INVALID_STATE" });
              }
              return sweep;
            }),
          ]);
          const won = results.filter((r) => r.status === "fulfilled");
          expect(won).toHaveLength(1);
          for (const r of results) {
            if (r.status === "rejected")
              expect((r.reason as HiarError).reason).toBe("INVALID_STATE");
          }
          const snap = await sessionSnapshot(prisma, s.sessionID);
          const moves = snap.events.filter(
            (e) =>
              e.subjectId === member &&
              e.fromState === "MEMBER_CALLING" &&
              e.type !== "member.invited",
          );
          expect(moves).toHaveLength(1);
          expect(snap.events.map((e) => e.seq)).toStrictEqual(snap.events.map((_, i) => i + 1));
        }
      } finally {
        await close();
      }
    });

    it("ten concurrent accepts of one member: exactly one succeeds", async () => {
      const { client, close } = await parallelClient();
      try {
        const pctx = contextFor(client, appId, undefined, HOUR);
        const { s, member } = await memberIn("MEMBER_CALLING");
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, () => acceptCall(pctx, memberAction(s, member))),
        );
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        const snap = await sessionSnapshot(prisma, s.sessionID);
        expect(snap.events.filter((e) => e.type === "member.accepted")).toHaveLength(1);
        expect(snap.events.filter((e) => e.type === "session.started")).toHaveLength(1);
      } finally {
        await close();
      }
    });
  });

  describe("calling timeout (the ring clock's sweep)", () => {
    /** The member's row (state, invited_at, calling_deadline). */
    const rowOf = (s: SessionFixture, member: string) =>
      prisma.sessionMember.findUniqueOrThrow({
        where: { sessionId_userId: { sessionId: s.sessionID, userId: member } },
      });

    it("the invite sets each rung member's deadline at invited_at + the timeout; a re-ring a new one", async () => {
      const s = await newSession(ctx);
      const [a, b] = [uid("a"), uid("b")];
      await inviteSession(ctx, inviteRequest(s, s.creator, [a, b]), {
        callingTimeoutSeconds: 42.5,
      });
      for (const member of [a, b]) {
        const row = await rowOf(s, member);
        expect(row.callingDeadline?.getTime()).toBe((row.invitedAt?.getTime() ?? 0) + 42_500);
      }
      // The creator (added by /create, never rung) has none.
      expect((await rowOf(s, s.creator)).callingDeadline).toBeNull();
      // Ringing again sets the deadline from the new ring.
      await declineCall(ctx, memberAction(s, a));
      expect((await rowOf(s, a)).callingDeadline).toBeNull();
      await inviteSession(ctx, inviteRequest(s, s.creator, [a]), { callingTimeoutSeconds: 5 });
      const again = await rowOf(s, a);
      expect(again.callingDeadline?.getTime()).toBe((again.invitedAt?.getTime() ?? 0) + 5_000);
    });

    it("times out a due member once, with its event, and clears the deadline", async () => {
      const { s, member } = await memberIn("MEMBER_CALLING");
      const ring = await rowOf(s, member);
      await makeDue(prisma, s.sessionID, [member]);
      const before = await sessionSnapshot(prisma, s.sessionID);
      const sweep = await timeOutDueCalls({ db: prisma });
      expect(sweep.timedOut).toContainEqual({
        appId,
        sessionId: s.sessionID,
        userId: member,
        seq: before.session.eventSeq + 1,
        lateMs: expect.any(Number),
      });
      // Its deadline was set a second in the past.
      const late = sweep.timedOut.find((m) => m.userId === member)?.lateMs ?? 0;
      expect(late).toBeGreaterThanOrEqual(1_000);
      expect(late).toBeLessThan(60_000);
      expect((await timeOutDueCalls({ db: prisma })).timedOut).toStrictEqual([]);
      const after = await sessionSnapshot(prisma, s.sessionID);
      expect(after.members.find((m) => m.userId === member)).toMatchObject({
        memberSessionState: "MEMBER_TIMEOUT",
        callingDeadline: null,
      });
      expect(after.session.eventSeq).toBe(before.session.eventSeq + 1);
      const added = after.events.slice(before.events.length);
      expect(added).toMatchObject([
        {
          type: "member.timeout",
          actorId: null,
          traceId: null,
          subjectId: member,
          fromState: "MEMBER_CALLING",
          toState: "MEMBER_TIMEOUT",
          seq: before.session.eventSeq + 1,
          payload: { collaborationID: s.collaborationID },
        },
      ]);
      const payload = added[0]?.payload as { invitedAt?: string } | undefined;
      expect(Date.parse(payload?.invitedAt ?? "")).toBe(ring.invitedAt?.getTime());
    });

    it("leaves alone a member who answered, was rung again, or whose session ended", async () => {
      // Rung with a 1 s timeout; each answers (or is rung again, or ended) before it is due.
      const ring = async () => {
        const s = await newSession(ctx);
        const member = uid("m");
        await inviteSession(ctx, inviteRequest(s, s.creator, [member]), {
          callingTimeoutSeconds: 1,
        });
        return { s, member };
      };
      const answered = await ring();
      await acceptCall(ctx, memberAction(answered.s, answered.member));
      const declined = await ring();
      await declineCall(ctx, memberAction(declined.s, declined.member));
      const rerung = await ring();
      await declineCall(ctx, memberAction(rerung.s, rerung.member));
      await inviteSession(ctx, inviteRequest(rerung.s, rerung.s.creator, [rerung.member]), {
        callingTimeoutSeconds: 60,
      });
      const ended = await ring();
      await endSession(ctx, EndSessionRequest.parse({ ...ids(ended.s), userID: ended.s.creator }));
      const fixtures = [answered, declined, rerung, ended];
      const before = await Promise.all(fixtures.map((f) => sessionSnapshot(prisma, f.s.sessionID)));
      expect(
        before.every((snap) =>
          snap.members.every(
            (m) => (m.memberSessionState === "MEMBER_CALLING") === (m.callingDeadline !== null),
          ),
        ),
      ).toBe(true);

      // Past the first rings' deadlines, by the database's clock.
      const lastRing = Math.max(
        ...before.flatMap((snap) => snap.members.map((m) => m.invitedAt?.getTime() ?? 0)),
      );
      for (;;) {
        const [row] = await prisma.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
        if ((row?.now.getTime() ?? 0) > lastRing + 1_100) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const sweep = await timeOutDueCalls({ db: prisma });
      const mine = new Set(fixtures.map((f) => f.s.sessionID));
      expect(sweep.timedOut.filter((m) => mine.has(m.sessionId))).toStrictEqual([]);
      for (const [i, f] of fixtures.entries()) {
        expect(await sessionSnapshot(prisma, f.s.sessionID)).toStrictEqual(before[i]);
      }
      // The new ring still times out once it is due.
      await makeDue(prisma, rerung.s.sessionID, [rerung.member]);
      expect((await timeOutDueCalls({ db: prisma })).timedOut).toMatchObject([
        { sessionId: rerung.s.sessionID, userId: rerung.member },
      ]);
    });
  });

  it("statements: 5 per transition, 3 per refusal, 5 per end whatever the members", async () => {
    const log = createStatementLog(db.url);
    try {
      const lctx = contextFor(log.prisma, appId, undefined, HOUR);
      await log.prisma.$queryRaw`SELECT 1`;
      const { s, member } = await memberIn("MEMBER_CALLING");
      log.clear();
      await acceptCall(lctx, memberAction(s, member));
      expect(log.statements).toHaveLength(5);
      log.clear();
      await leaveSession(lctx, memberAction(s, member));
      expect(log.statements).toHaveLength(5);
      log.clear();
      expect(await reasonOf(leaveSession(lctx, memberAction(s, member)))).toBe("INVALID_STATE");
      expect(log.statements).toHaveLength(3);
      expect(log.statements.at(-1)).toMatch(/^ROLLBACK/);

      for (const n of [1, 30]) {
        const e = await newSession(ctx);
        await inviteSession(
          ctx,
          inviteRequest(
            e,
            e.creator,
            Array.from({ length: n }, () => uid()),
          ),
        );
        log.clear();
        await endSession(lctx, EndSessionRequest.parse({ ...ids(e), userID: e.creator }));
        expect(log.statements).toHaveLength(5);
      }
    } finally {
      await log.close();
    }
  });
});
