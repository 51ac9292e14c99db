import { MemberActionRequest } from "@collab/contracts";
import type { Database } from "@collab/db";
import {
  createStatementLog,
  createTestDatabase,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DomainContext } from "./context";
import { inviteSession } from "./invite-session";
import { acceptCall, leaveSession } from "./member-actions";
import {
  contextFor,
  inviteRequest,
  liveCount,
  newApp,
  newSession,
  reasonOf,
  type SessionFixture,
  sessionSnapshot,
  uid,
} from "./test-support";

// Busy detection (docs/decisions.md, "Busy detection"): with it on (ruleSettings.busyDetection,
// else the deployment's default), an invitee talking in another live session of the app is not
// rung: MEMBER_BUSY at once, a member.busy event (actor null) naming where, outcome "busy".

describe.each(testDatabaseTargets())("busy detection on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let appId: string;
  let ctx: DomainContext;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    appId = await newApp(prisma, "busy detection tests");
    ctx = contextFor(prisma, appId, "trace-busy");
  });
  afterAll(async () => {
    await db?.close();
  });

  const action = (s: SessionFixture, userID: string) =>
    MemberActionRequest.parse({
      collaborationID: s.collaborationID,
      sessionID: s.sessionID,
      userID,
    });

  /** A session whose collaboration sets busyDetection as given (absent when undefined). */
  const sessionWith = (busyDetection?: boolean, c: DomainContext = ctx, numberLimit = 0) =>
    newSession(c, {
      request: {
        ruleSettings: {
          numberLimit,
          ...(busyDetection === undefined ? {} : { busyDetection }),
        },
      },
    });

  /** A user talking in a fresh session of `c`'s app (rung by its creator, then accepted). */
  async function talkingUser(c: DomainContext = ctx): Promise<{ user: string; s: SessionFixture }> {
    const s = await newSession(c);
    const user = uid("talker");
    await inviteSession(c, inviteRequest(s, s.creator, [user]));
    await acceptCall(c, action(s, user));
    return { user, s };
  }

  async function member(sessionID: string, userId: string) {
    return prisma.sessionMember.findUniqueOrThrow({
      where: { sessionId_userId: { sessionId: sessionID, userId } },
    });
  }

  it("is off by default: a talking invitee is rung as before", async () => {
    const { user } = await talkingUser();
    const s = await sessionWith();
    const result = await inviteSession(ctx, inviteRequest(s, s.creator, [user]));
    expect(result.members).toStrictEqual([
      { userID: user, outcome: "added", memberSessionState: "MEMBER_CALLING" },
    ]);
    expect((await member(s.sessionID, user)).callingDeadline).not.toBeNull();
  });

  it("on for the collaboration: the talking invitee is busy at once, the others ring", async () => {
    const { user, s: elsewhere } = await talkingUser();
    const free = uid("free");
    const s = await sessionWith(true);
    const before = await sessionSnapshot(prisma, s.sessionID);
    const result = await inviteSession(ctx, inviteRequest(s, s.creator, [user, free]));
    expect(result.members).toStrictEqual([
      { userID: user, outcome: "busy", memberSessionState: "MEMBER_BUSY" },
      { userID: free, outcome: "added", memberSessionState: "MEMBER_CALLING" },
    ]);

    const row = await member(s.sessionID, user);
    expect(row.memberSessionState).toBe("MEMBER_BUSY");
    // Not rung: no calling deadline, nothing for the ring clock; who invited is kept.
    expect(row.callingDeadline).toBeNull();
    expect(row.invitedBy).toBe(s.creator);
    expect(row.invitedAt).not.toBeNull();
    // Still talking where they were.
    expect((await member(elsewhere.sessionID, user)).memberSessionState).toBe("MEMBER_TALKING");

    const after = await sessionSnapshot(prisma, s.sessionID);
    const added = after.events.slice(before.events.length);
    expect(added.map((e) => [e.seq, e.type, e.subjectId, e.actorId])).toStrictEqual([
      [before.events.length + 1, "member.busy", user, null],
      [before.events.length + 2, "member.invited", free, s.creator],
    ]);
    const busy = added[0];
    expect(busy?.fromState).toBeNull();
    expect(busy?.toState).toBe("MEMBER_BUSY");
    expect(busy?.traceId).toBe("trace-busy");
    expect(busy?.payload).toMatchObject({
      collaborationID: s.collaborationID,
      outcome: "busy",
      reason: "busy",
      detectedBy: "server",
      invitedBy: s.creator,
      talkingIn: { collaborationID: elsewhere.collaborationID, sessionID: elsewhere.sessionID },
      member: { userID: user, memberSessionState: "MEMBER_BUSY" },
    });
    // The live count holds the ringing member only.
    expect(await liveCount(prisma, s.sessionID)).toBe(1);
  });

  it("a member in a terminal state is found busy too, from that state; rung once free", async () => {
    const { user, s: elsewhere } = await talkingUser();
    const s = await sessionWith(true);
    await inviteSession(ctx, inviteRequest(s, s.creator, [user]));
    // Busy is terminal: inviting again while they still talk elsewhere is busy again, from BUSY.
    const again = await inviteSession(ctx, inviteRequest(s, s.creator, [user]));
    expect(again.members[0]?.outcome).toBe("busy");
    const events = (await sessionSnapshot(prisma, s.sessionID)).events;
    expect(events.at(-1)).toMatchObject({
      type: "member.busy",
      fromState: "MEMBER_BUSY",
      toState: "MEMBER_BUSY",
    });
    // Once they left the other call, an invite rings them.
    await leaveSession(ctx, action(elsewhere, user));
    const free = await inviteSession(ctx, inviteRequest(s, s.creator, [user]));
    expect(free.members).toStrictEqual([
      { userID: user, outcome: "rung_again", memberSessionState: "MEMBER_CALLING" },
    ]);
  });

  it("an invitee ringing or talking in this session stays unchanged; ringing elsewhere is no busy", async () => {
    const { user: talking } = await talkingUser();
    const ringing = uid("ringing");
    const other = await newSession(ctx);
    await inviteSession(ctx, inviteRequest(other, other.creator, [ringing]));

    const s = await sessionWith(true);
    const first = await inviteSession(ctx, inviteRequest(s, s.creator, [ringing]));
    expect(first.members[0]?.outcome).toBe("added");
    // Talking here (accepted), and talking elsewhere too: an invite leaves a live member alone.
    await acceptCall(ctx, action(s, ringing));
    const here = await inviteSession(ctx, inviteRequest(s, s.creator, [ringing, talking]));
    expect(here.members).toStrictEqual([
      { userID: ringing, outcome: "unchanged", memberSessionState: "MEMBER_TALKING" },
      { userID: talking, outcome: "busy", memberSessionState: "MEMBER_BUSY" },
    ]);
  });

  it("the deployment's default applies unless the collaboration says otherwise", async () => {
    const on = contextFor(prisma, appId, uid("trace"), { busyDetection: true });
    const { user } = await talkingUser(on);
    const byDefault = await sessionWith(undefined, on);
    const optedOut = await sessionWith(false, on);
    expect(
      (await inviteSession(on, inviteRequest(byDefault, byDefault.creator, [user]))).members[0]
        ?.outcome,
    ).toBe("busy");
    expect(
      (await inviteSession(on, inviteRequest(optedOut, optedOut.creator, [user]))).members[0]
        ?.outcome,
    ).toBe("added");
  });

  it("only the same app's sessions count", async () => {
    const otherAppId = await newApp(prisma, "busy detection, another app");
    const other = contextFor(prisma, otherAppId);
    const { user } = await talkingUser(other);
    const s = await sessionWith(true);
    const result = await inviteSession(ctx, inviteRequest(s, s.creator, [user]));
    expect(result.members[0]?.outcome).toBe("added");
  });

  it("busy members do not count against the member limit", async () => {
    const talkers = [await talkingUser(), await talkingUser()].map((t) => t.user);
    // numberLimit 2: the creator is not live (never rung), so room for two ringing members.
    const s = await sessionWith(true, ctx, 2);
    const result = await inviteSession(
      ctx,
      inviteRequest(s, s.creator, [...talkers, uid("a"), uid("b")]),
    );
    expect(result.members.map((m) => m.outcome)).toStrictEqual(["busy", "busy", "added", "added"]);
    expect(await liveCount(prisma, s.sessionID)).toBe(2);
  });

  it("every refusal changes nothing, busy invitees included", async () => {
    const { user } = await talkingUser();
    const s = await sessionWith(true, ctx, 1);
    await inviteSession(ctx, inviteRequest(s, s.creator, [uid("first")]));
    const before = await sessionSnapshot(prisma, s.sessionID);
    // Over the limit (one ringing already, two more to ring): refused whole, the busy one too.
    expect(
      await reasonOf(inviteSession(ctx, inviteRequest(s, s.creator, [user, uid(), uid()]))),
    ).toBe("MEMBER_LIMIT_EXCEEDED");
    // Not a member inviting.
    expect(await reasonOf(inviteSession(ctx, inviteRequest(s, uid("outsider"), [user])))).toBe(
      "PERMISSION_DENIED",
    );
    expect(await sessionSnapshot(prisma, s.sessionID)).toStrictEqual(before);
  });

  it("costs the same 2 statements for 1 and for 50 busy invitees", async () => {
    const talkers: string[] = [];
    const host = await newSession(ctx, { numberLimit: 100 });
    for (let i = 0; i < 50; i++) talkers.push(uid("t"));
    await inviteSession(ctx, inviteRequest(host, host.creator, talkers));
    await prisma.sessionMember.updateMany({
      where: { sessionId: host.sessionID, userId: { in: talkers } },
      data: { memberSessionState: "MEMBER_TALKING", callingDeadline: null },
    });
    const log = createStatementLog(db.url);
    try {
      const lctx = contextFor(log.prisma, appId);
      await log.prisma.$queryRaw`SELECT 1`;
      const count = async (members: string[]) => {
        const s = await sessionWith(true);
        log.clear();
        const result = await inviteSession(lctx, inviteRequest(s, s.creator, members));
        expect(result.members.every((m) => m.outcome === "busy")).toBe(true);
        return log.statements.length;
      };
      expect(await count(talkers.slice(0, 1))).toBe(2);
      expect(await count(talkers)).toBe(2);
    } finally {
      await log.close();
    }
  });

  describe("an invitee answering elsewhere at the same moment", () => {
    /** The invitee's state, outcome and event in A agree, and match one serial order. */
    async function expectConsistent(
      a: SessionFixture,
      b: SessionFixture,
      user: string,
      outcome: string | undefined,
    ) {
      const inA = await member(a.sessionID, user);
      const inB = await member(b.sessionID, user);
      expect(inB.memberSessionState).toBe("MEMBER_TALKING");
      const last = (await sessionSnapshot(prisma, a.sessionID)).events.at(-1);
      if (outcome === "busy") {
        // The answer came first: busy here, naming the session they answered in.
        expect(inA.memberSessionState).toBe("MEMBER_BUSY");
        expect(inA.callingDeadline).toBeNull();
        expect(last).toMatchObject({ type: "member.busy", subjectId: user, actorId: null });
        expect(last?.payload).toMatchObject({
          talkingIn: { collaborationID: b.collaborationID, sessionID: b.sessionID },
        });
      } else {
        // The invite came first: rung here (a ring they may still answer or decline).
        expect(outcome).toBe("added");
        expect(inA.memberSessionState).toBe("MEMBER_CALLING");
        expect(inA.callingDeadline).not.toBeNull();
        expect(last).toMatchObject({ type: "member.invited", subjectId: user });
      }
    }

    async function ringingIn(): Promise<{ user: string; b: SessionFixture }> {
      const b = await newSession(ctx);
      const user = uid("racer");
      await inviteSession(ctx, inviteRequest(b, b.creator, [user]));
      return { user, b };
    }

    it("the answer committed first: busy", async () => {
      const { user, b } = await ringingIn();
      await acceptCall(ctx, action(b, user));
      const a = await sessionWith(true);
      const result = await inviteSession(ctx, inviteRequest(a, a.creator, [user]));
      await expectConsistent(a, b, user, result.members[0]?.outcome);
      expect(result.members[0]?.outcome).toBe("busy");
    });

    it.runIf(target === "postgres")(
      "the answer not yet committed when the invite reads: rung, and both commits stand",
      async () => {
        const { user, b } = await ringingIn();
        const a = await sessionWith(true);
        // The accept runs on a client that stops before its COMMIT (TALKING written, not visible).
        let commit = () => {};
        const committing = new Promise<void>((resolve) => {
          commit = resolve;
        });
        let atCommit = () => {};
        const acceptAtCommit = new Promise<void>((resolve) => {
          atCommit = resolve;
        });
        const acceptor = createStatementLog(db.url, {
          beforeStatement: async (text) => {
            if (/^COMMIT/.test(text)) {
              atCommit();
              await committing;
            }
          },
        });
        try {
          const accepted = acceptCall(contextFor(acceptor.prisma, appId), action(b, user));
          await acceptAtCommit;
          // The invite does not wait for the other session's transaction.
          const result = await inviteSession(ctx, inviteRequest(a, a.creator, [user]));
          commit();
          await accepted;
          expect(result.members[0]?.outcome).toBe("added");
          await expectConsistent(a, b, user, result.members[0]?.outcome);
        } finally {
          commit();
          await acceptor.close();
        }
      },
    );

    it("raced with real concurrent transactions: every run ends in one consistent state", async () => {
      const log = target === "postgres" ? createStatementLog(db.url, { poolMax: 4 }) : null;
      const racer = log === null ? ctx : contextFor(log.prisma, appId);
      try {
        const outcomes = new Set<string>();
        for (let i = 0; i < 12; i++) {
          const { user, b } = await ringingIn();
          const a = await sessionWith(true);
          const [, invited] = await Promise.all([
            acceptCall(racer, action(b, user)),
            inviteSession(racer, inviteRequest(a, a.creator, [user])),
          ]);
          const outcome = invited.members[0]?.outcome;
          outcomes.add(String(outcome));
          await expectConsistent(a, b, user, outcome);
        }
        expect([...outcomes].every((o) => o === "busy" || o === "added")).toBe(true);
      } finally {
        await log?.close();
      }
    });
  });
});
