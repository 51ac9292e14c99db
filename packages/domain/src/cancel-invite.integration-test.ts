import {
  CancelInviteRequest,
  type CancelInviteRequestInput,
  EndSessionRequest,
  type HiarError,
  KickoutRequest,
  MEMBER_SESSION_STATES,
  MemberActionRequest,
  SessionEventsRequest,
} from "@collab/contracts";
import { type Database, newId } from "@collab/db";
import {
  createStatementLog,
  createTestDatabase,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelInvite } from "./cancel-invite";
import type { DomainContext } from "./context";
import { endSession } from "./end-session";
import { inviteSession } from "./invite-session";
import { acceptCall, kickoutMember } from "./member-actions";
import { fetchSessionEvents } from "./session-events";
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

// POST /session/cancel (docs/state-machine.md): a ringing member's ring withdrawn, all or nothing,
// by whoever holds the right; every refusal changes nothing.

const HOUR = { callingTimeoutSeconds: 3600 } as const;

function ids(s: SessionFixture) {
  return { collaborationID: s.collaborationID, sessionID: s.sessionID };
}

function cancelRequest(
  s: SessionFixture,
  userID: string,
  members: string[],
  extra: Partial<CancelInviteRequestInput> = {},
) {
  return CancelInviteRequest.parse({ ...ids(s), userID, members, ...extra });
}

describe.each(testDatabaseTargets())("cancelInvite on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let appId: string;
  let ctx: DomainContext;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    appId = await newApp(prisma, "cancel tests");
    ctx = contextFor(prisma, appId, "trace-cancel", HOUR);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A session whose creator rang `n` members (CALLING). */
  async function ringing(n: number, options: Parameters<typeof newSession>[1] = {}) {
    const s = await newSession(ctx, options);
    const members = Array.from({ length: n }, () => uid("m"));
    await inviteSession(ctx, inviteRequest(s, s.creator, members));
    return { s, members };
  }

  describe("outcome", () => {
    it("each listed ringing member becomes LEFT, without a deadline, with member.cancelled", async () => {
      const { s, members } = await ringing(3);
      const [a, b, c] = members as [string, string, string];
      const before = await sessionSnapshot(prisma, s.sessionID);
      const result = await cancelInvite(
        { ...ctx, trace: { id: "trace-c1" } },
        cancelRequest(s, s.creator, [c, a]),
      );
      expect(result).toStrictEqual({
        members: [
          { userID: c, fromState: "MEMBER_CALLING", memberSessionState: "MEMBER_LEFT" },
          { userID: a, fromState: "MEMBER_CALLING", memberSessionState: "MEMBER_LEFT" },
        ],
        sessionState: "SESSION_SCHEDULE",
      });
      const after = await sessionSnapshot(prisma, s.sessionID);
      const row = (u: string) => after.members.find((m) => m.userId === u);
      for (const u of [a, c]) {
        expect(row(u)).toMatchObject({ memberSessionState: "MEMBER_LEFT", callingDeadline: null });
      }
      expect(row(b)?.memberSessionState).toBe("MEMBER_CALLING");
      expect(row(b)?.callingDeadline).not.toBeNull();
      const added = after.events.slice(before.events.length);
      expect(added).toMatchObject(
        [c, a].map((subject, i) => ({
          seq: before.session.eventSeq + 1 + i,
          type: "member.cancelled",
          actorId: s.creator,
          subjectId: subject,
          fromState: "MEMBER_CALLING",
          toState: "MEMBER_LEFT",
          traceId: "trace-c1",
        })),
      );
      // No reason sent: the payload is the collaboration alone.
      for (const e of added)
        expect(e.payload).toStrictEqual({ collaborationID: s.collaborationID });
      expect(after.session.eventSeq).toBe(before.session.eventSeq + 2);
    });

    it("records the reason and extra in every event's payload, and /session/events carries them", async () => {
      const { s, members } = await ringing(2);
      await cancelInvite(
        ctx,
        cancelRequest(s, s.creator, members, { reason: "wrong_person", extra: "meant dave 😀" }),
      );
      const page = await fetchSessionEvents(
        ctx,
        SessionEventsRequest.parse({ ...ids(s), afterSeq: 0 }),
      );
      const cancelled = page.events.filter((e) => e.type === "member.cancelled");
      expect(cancelled.map((e) => e.subjectID)).toStrictEqual(members);
      for (const e of cancelled) {
        expect(e.payload).toStrictEqual({
          collaborationID: s.collaborationID,
          reason: "wrong_person",
          extra: "meant dave 😀",
        });
      }
    });

    it("the ring clock never times out a cancelled ring, even one already due", async () => {
      const { s, members } = await ringing(2);
      await makeDue(prisma, s.sessionID, members);
      await cancelInvite(ctx, cancelRequest(s, s.creator, members));
      const before = await sessionSnapshot(prisma, s.sessionID);
      const sweep = await timeOutDueCalls({ db: prisma });
      expect(sweep.timedOut.filter((m) => m.sessionId === s.sessionID)).toStrictEqual([]);
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
    });

    it("a cancelled member can be rung again", async () => {
      const { s, members } = await ringing(1);
      const [m] = members as [string];
      await cancelInvite(ctx, cancelRequest(s, s.creator, [m]));
      const again = await inviteSession(ctx, inviteRequest(s, s.creator, [m]));
      expect(again.members).toStrictEqual([
        { userID: m, outcome: "rung_again", memberSessionState: "MEMBER_CALLING" },
      ]);
    });
  });

  describe("refusals change nothing", () => {
    for (const state of MEMBER_SESSION_STATES.filter((x) => x !== "MEMBER_CALLING")) {
      it(`a member ${state}: INVALID_STATE naming it, the ringing ones listed before it stay`, async () => {
        const { s, members } = await ringing(2);
        const [ok, other] = members as [string, string];
        await setStates(prisma, s.sessionID, { [other]: state });
        const before = await sessionSnapshot(prisma, s.sessionID);
        const error = await cancelInvite(ctx, cancelRequest(s, s.creator, [ok, other])).catch(
          (e: HiarError) => e,
        );
        expect(error).toMatchObject({ reason: "INVALID_STATE", field: "members[1]" });
        expect((error as Error).message).toContain(other);
        expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
      });
    }

    it("NOT_FOUND: a listed non-member, unknown, malformed or another app's ids", async () => {
      const { s, members } = await ringing(1);
      const [m] = members as [string];
      const before = await sessionSnapshot(prisma, s.sessionID);
      const refused = async (run: Promise<unknown>) =>
        (await run.catch((e: HiarError) => e)) as HiarError;
      expect(
        await refused(cancelInvite(ctx, cancelRequest(s, s.creator, [m, uid("ghost")]))),
      ).toMatchObject({
        reason: "NOT_FOUND",
        field: "members[1]",
      });
      expect(
        await refused(cancelInvite(ctx, cancelRequest(s, s.creator, [m], { sessionID: newId() }))),
      ).toMatchObject({ reason: "NOT_FOUND", field: "sessionID" });
      expect(
        await refused(
          cancelInvite(ctx, cancelRequest(s, s.creator, [m], { collaborationID: newId() })),
        ),
      ).toMatchObject({ reason: "NOT_FOUND", field: "collaborationID" });
      expect(
        await refused(cancelInvite(ctx, cancelRequest(s, s.creator, [m], { sessionID: "x" }))),
      ).toMatchObject({ reason: "NOT_FOUND", field: "sessionID" });
      const otherApp = contextFor(prisma, await newApp(prisma, "other"), undefined, HOUR);
      expect(await reasonOf(cancelInvite(otherApp, cancelRequest(s, s.creator, [m])))).toBe(
        "NOT_FOUND",
      );
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
    });

    it("INVALID_STATE once the session ended", async () => {
      const { s, members } = await ringing(1);
      await endSession(ctx, EndSessionRequest.parse({ ...ids(s), userID: s.creator }));
      const before = await sessionSnapshot(prisma, s.sessionID);
      expect(await reasonOf(cancelInvite(ctx, cancelRequest(s, s.creator, members)))).toBe(
        "INVALID_STATE",
      );
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
    });
  });

  describe("who may cancel", () => {
    /** alice (invited by the creator, talking) rings bob; the creator rings carol. */
    async function rings(ruleSettings: Record<string, unknown> = {}) {
      const s = await newSession(ctx, { request: { ruleSettings } });
      const [alice, bob, carol, dave] = [uid("alice"), uid("bob"), uid("carol"), uid("dave")];
      await inviteSession(
        ctx,
        inviteRequest(s, s.creator, [
          { userID: alice, roles: [1] },
          { userID: dave, roles: [2] },
          { userID: carol },
        ]),
      );
      await acceptCall(ctx, MemberActionRequest.parse({ ...ids(s), userID: alice }));
      await acceptCall(ctx, MemberActionRequest.parse({ ...ids(s), userID: dave }));
      await inviteSession(ctx, inviteRequest(s, alice, [bob]));
      return { s, alice, bob, carol, dave };
    }
    const cancel = (s: SessionFixture, userID: string, members: string[]) =>
      cancelInvite(ctx, cancelRequest(s, userID, members));
    const denied = async (s: SessionFixture, userID: string, members: string[], field: string) => {
      const before = await sessionSnapshot(prisma, s.sessionID);
      expect(await cancel(s, userID, members).catch((e: HiarError) => e)).toMatchObject({
        reason: "PERMISSION_DENIED",
        field,
      });
      expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
    };

    it("without role control: the inviter, the starter, the creator; nobody else", async () => {
      const r = await rings();
      // dave neither rang bob nor starts or created anything; a stranger is no member at all.
      await denied(r.s, r.dave, [r.bob], "members[0]");
      await denied(r.s, uid("stranger"), [r.bob], "userID");
      // alice rang bob, not carol: all or nothing.
      await denied(r.s, r.alice, [r.bob, r.carol], "members[1]");
      await expect(cancel(r.s, r.alice, [r.bob])).resolves.toMatchObject({
        members: [{ userID: r.bob, memberSessionState: "MEMBER_LEFT" }],
      });
      // The creator stops any ring (carol's, and bob's rung by alice).
      await inviteSession(ctx, inviteRequest(r.s, r.alice, [r.bob]));
      await expect(cancel(r.s, r.s.creator, [r.carol, r.bob])).resolves.toMatchObject({
        members: [{ userID: r.carol }, { userID: r.bob }],
      });
      // The starter, when it is not the creator.
      const again = await rings();
      await prisma.session.update({
        where: { id: again.s.sessionID },
        data: { starterId: again.dave },
      });
      await expect(cancel(again.s, again.dave, [again.bob, again.carol])).resolves.toMatchObject({
        members: [{ userID: again.bob }, { userID: again.carol }],
      });
    });

    it("with role control: a role granted RIGHT_CANCEL or RIGHT_ALL, or the inviter; no one else", async () => {
      for (const right of ["RIGHT_CANCEL", "RIGHT_ALL"]) {
        const r = await rings({
          roleControl: true,
          roleRights: [
            { role: 2, rights: [right] },
            { role: 1, rights: ["RIGHT_KICKOUT"] },
          ],
        });
        // The creator holds no granted role: role control replaces the default.
        await denied(r.s, r.s.creator, [r.bob], "members[0]");
        // alice's role does not grant it, but she rang bob (not carol).
        await denied(r.s, r.alice, [r.carol], "members[0]");
        await expect(cancel(r.s, r.alice, [r.bob])).resolves.toMatchObject({
          members: [{ userID: r.bob }],
        });
        // dave's role does: any ring.
        await expect(cancel(r.s, r.dave, [r.carol])).resolves.toMatchObject({
          members: [{ userID: r.carol }],
        });
      }
    });

    it("a canceller who was kicked out may not, even its own ring", async () => {
      const r = await rings();
      await kickoutMember(
        ctx,
        KickoutRequest.parse({ ...ids(r.s), userID: r.s.creator, memberID: r.alice }),
      );
      await denied(r.s, r.alice, [r.bob], "userID");
    });
  });

  describe("concurrency", () => {
    async function parallelClient(): Promise<{ client: Database; close: () => Promise<void> }> {
      if (target === "pglite") return { client: prisma, close: async () => {} };
      const log = createStatementLog(db.url, { poolMax: 12 });
      return { client: log.prisma, close: () => log.close() };
    }

    it("cancel ∥ accept of one member: exactly one wins, the other INVALID_STATE", async () => {
      const { client, close } = await parallelClient();
      try {
        const pctx = contextFor(client, appId, undefined, HOUR);
        const winners = { cancel: 0, accept: 0 };
        for (let round = 0; round < 8; round++) {
          const { s, members } = await ringing(1);
          const [m] = members as [string];
          const runs = [
            cancelInvite(pctx, cancelRequest(s, s.creator, [m])),
            acceptCall(pctx, MemberActionRequest.parse({ ...ids(s), userID: m })),
          ];
          if (round % 2 === 1) runs.reverse();
          const results = await Promise.allSettled(runs);
          const won = results.filter((r) => r.status === "fulfilled");
          expect(won).toHaveLength(1);
          for (const r of results) {
            if (r.status === "rejected") {
              expect((r.reason as HiarError).reason).toBe("INVALID_STATE");
            }
          }
          const snap = await sessionSnapshot(prisma, s.sessionID);
          const state = snap.members.find((x) => x.userId === m)?.memberSessionState;
          const moves = snap.events.filter(
            (e) => e.subjectId === m && e.fromState === "MEMBER_CALLING",
          );
          expect(moves).toHaveLength(1);
          if (state === "MEMBER_LEFT") {
            winners.cancel++;
            expect(moves[0]?.type).toBe("member.cancelled");
          } else {
            winners.accept++;
            expect(state).toBe("MEMBER_TALKING");
            expect(moves[0]?.type).toBe("member.accepted");
          }
          expect(snap.events.map((e) => e.seq)).toStrictEqual(snap.events.map((_, i) => i + 1));
        }
        expect(winners.cancel + winners.accept).toBe(8);
      } finally {
        await close();
      }
    });
  });

  it("statements: 5 whatever the number of members, 3 for a refusal", async () => {
    const log = createStatementLog(db.url);
    try {
      const lctx = contextFor(log.prisma, appId, undefined, HOUR);
      await log.prisma.$queryRaw`SELECT 1`;
      for (const n of [1, 30]) {
        const { s, members } = await ringing(n);
        log.clear();
        await cancelInvite(lctx, cancelRequest(s, s.creator, members));
        expect(log.statements).toHaveLength(5);
        expect(log.statements.at(-1)).toMatch(/^COMMIT/);
        log.clear();
        expect(await reasonOf(cancelInvite(lctx, cancelRequest(s, s.creator, members)))).toBe(
          "INVALID_STATE",
        );
        expect(log.statements).toHaveLength(3);
        expect(log.statements.at(-1)).toMatch(/^ROLLBACK/);
      }
    } finally {
      await log.close();
    }
  });
});
