import {
  EndSessionRequest,
  MemberActionRequest,
  type UserCallRecord,
  UserCallsRequest,
  type UserCallsRequestInput,
} from "@collab/contracts";
import { appendSessionEvents, type Database } from "@collab/db";
import {
  createStatementLog,
  createTestDatabase,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEMBER_CANCELLED_EVENT } from "./call-outcome";
import type { DomainContext } from "./context";
import { endSession } from "./end-session";
import { inviteSession } from "./invite-session";
import { acceptCall, declineCall, leaveSession, reportBusy } from "./member-actions";
import {
  contextFor,
  inviteRequest,
  makeDue,
  newApp,
  newSession,
  reasonOf,
  type SessionFixture,
  uid,
} from "./test-support";
import { timeOutDueCalls } from "./time-out-due-calls";
import { fetchUserCalls } from "./user-call-history";

// POST /user/calls (this project's extension): the calls a user was rung for, newest ring first,
// with their outcome, filtered by outcome and time, paged by cursor; the app's own only.

describe.each(testDatabaseTargets())("a user's calls on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let appId: string;
  let ctx: DomainContext;
  const user = uid("callee");
  /** sessionID → [outcome, missedReason] of each call made for `user`. */
  const expected = new Map<string, [string, string | null]>();
  let neverRung: SessionFixture;

  const action = (s: SessionFixture, userID = user) =>
    MemberActionRequest.parse({
      collaborationID: s.collaborationID,
      sessionID: s.sessionID,
      userID,
    });
  const calls = (input: Partial<UserCallsRequestInput> = {}, c: DomainContext = ctx) =>
    fetchUserCalls(c, UserCallsRequest.parse({ userID: user, ...input }));

  /** A session in which `user` was rung, then `then` happened. */
  async function call(
    outcome: [string, string | null],
    then: (s: SessionFixture) => Promise<unknown> = async () => {},
  ) {
    const s = await newSession(ctx, { request: { detail: `call ${expected.size}` } });
    await inviteSession(ctx, inviteRequest(s, s.creator, [user]));
    await then(s);
    expected.set(s.sessionID, outcome);
    return s;
  }

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    appId = await newApp(prisma, "user calls tests");
    ctx = contextFor(prisma, appId);

    await call(["answered", null], async (s) => {
      await acceptCall(ctx, action(s));
      await leaveSession(ctx, action(s));
    });
    await call(["missed", "declined"], (s) => declineCall(ctx, action(s)));
    await call(["missed", "timed_out"], async (s) => {
      await makeDue(prisma, s.sessionID, [user]);
      await timeOutDueCalls({ db: prisma });
    });
    await call(["missed", "busy"], (s) => reportBusy(ctx, action(s)));
    // The session ended while it rang.
    await call(["missed", "cancelled"], (s) =>
      endSession(
        ctx,
        EndSessionRequest.parse({
          collaborationID: s.collaborationID,
          sessionID: s.sessionID,
          userID: s.creator,
        }),
      ),
    );
    // A ring withdrawn by the inviter (/session/cancel): MEMBER_LEFT with a member.cancelled
    // event, written here as that use case writes it.
    await call(["missed", "cancelled"], async (s) => {
      await prisma.$transaction(async (tx) => {
        await tx.$executeRaw`
          UPDATE "session_member" SET "member_session_state" = 'MEMBER_LEFT',
                 "calling_deadline" = NULL
          WHERE "session_id" = ${s.sessionID} AND "user_id" = ${user}`;
        await appendSessionEvents(tx, {
          appId,
          sessionId: s.sessionID,
          events: [
            {
              type: MEMBER_CANCELLED_EVENT,
              actorId: s.creator,
              subjectId: user,
              fromState: "MEMBER_CALLING",
              toState: "MEMBER_LEFT",
              traceId: null,
              payload: {},
            },
          ],
        });
      });
    });
    // Found busy by busy detection (talking in the first "ongoing" call below, made first).
    const talking = await call(["ongoing", null], (s) => acceptCall(ctx, action(s)));
    await call(["ongoing", null]);
    const detected = await newSession(ctx, { request: { ruleSettings: { busyDetection: true } } });
    const result = await inviteSession(ctx, inviteRequest(detected, detected.creator, [user]));
    expect(result.members[0]?.outcome).toBe("busy");
    expected.set(detected.sessionID, ["missed", "busy"]);
    expect(talking.sessionID).not.toBe(detected.sessionID);
    // Listed at creation, never rung: not a call.
    neverRung = await newSession(ctx, { members: [user] });
    // Another app's call of the same userID is not this app's.
    const other = contextFor(prisma, await newApp(prisma, "another app"));
    const foreign = await newSession(other);
    await inviteSession(other, inviteRequest(foreign, foreign.creator, [user]));
  });
  afterAll(async () => {
    await db?.close();
  });

  /** The expected order: newest ring first, then session ID descending. */
  async function newestFirst(sessionIDs: string[]): Promise<string[]> {
    const rows = await prisma.sessionMember.findMany({
      where: { userId: user, sessionId: { in: sessionIDs } },
    });
    return rows
      .sort(
        (a, b) =>
          (b.invitedAt?.getTime() ?? 0) - (a.invitedAt?.getTime() ?? 0) ||
          (a.sessionId < b.sessionId ? 1 : -1),
      )
      .map((r) => r.sessionId);
  }

  it("lists every call the user was rung for, newest first, with its outcome", async () => {
    const page = await calls({ limit: 100 });
    expect(page.hasMore).toBe(false);
    expect(page.nextCursor).toBe("");
    expect(page.calls.map((c) => c.sessionID)).toStrictEqual(
      await newestFirst([...expected.keys()]),
    );
    for (const c of page.calls) {
      expect([c.outcome, c.missedReason]).toStrictEqual(expected.get(c.sessionID));
    }
    expect(page.calls.map((c) => c.sessionID)).not.toContain(neverRung.sessionID);
    // The call's details are the user channel's UserCall.
    const declined = page.calls.find((c) => c.missedReason === "declined") as UserCallRecord;
    expect(declined).toMatchObject({
      memberSessionState: "MEMBER_DECLINE",
      sessionState: "SESSION_SCHEDULE",
      callingDeadline: null,
    });
    expect(declined.invitedBy).toMatch(/^creator-/);
    expect(declined.detail).toMatch(/^call \d+$/);
  });

  it("filters by outcome", async () => {
    const ofOutcome = async (outcome: "missed" | "answered" | "ongoing") =>
      (await calls({ outcome, limit: 100 })).calls.map((c) => [c.sessionID, c.missedReason]);
    const want = (outcome: string) =>
      [...expected].filter(([, [o]]) => o === outcome).map(([id, [, why]]) => [id, why]);
    for (const outcome of ["missed", "answered", "ongoing"] as const) {
      const got = await ofOutcome(outcome);
      expect(new Set(got.map((g) => JSON.stringify(g)))).toStrictEqual(
        new Set(want(outcome).map((w) => JSON.stringify(w))),
      );
      expect(got.map(([id]) => id)).toStrictEqual(
        await newestFirst(got.map(([id]) => id as string)),
      );
    }
  });

  it("pages by cursor without gaps or repeats", async () => {
    const all = (await calls({ outcome: "missed", limit: 100 })).calls.map((c) => c.sessionID);
    expect(all.length).toBe(6);
    const seen: string[] = [];
    let cursor = "";
    for (let i = 0; i < 10; i++) {
      const page = await calls({ outcome: "missed", limit: 4, cursor });
      seen.push(...page.calls.map((c) => c.sessionID));
      if (!page.hasMore) {
        expect(page.nextCursor).toBe("");
        break;
      }
      expect(page.calls).toHaveLength(4);
      cursor = page.nextCursor;
    }
    expect(seen).toStrictEqual(all);
    // The default page is 20.
    expect((await calls()).calls.length).toBe(expected.size);
  });

  it("keeps to the time window (ring time, unix seconds)", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await calls({ beginTime: now - 3600 })).calls.length).toBe(expected.size);
    expect((await calls({ beginTime: now + 3600 })).calls).toStrictEqual([]);
    expect((await calls({ beginTime: 1, endTime: now - 3600 })).calls).toStrictEqual([]);
    expect((await calls({ endTime: now + 3600 })).calls.length).toBe(expected.size);
  });

  it("a user never rung has no calls; refusals are INVALID_PARAM", async () => {
    const nobody = UserCallsRequest.parse({ userID: uid("nobody") });
    expect(await fetchUserCalls(ctx, nobody)).toStrictEqual({
      calls: [],
      nextCursor: "",
      hasMore: false,
    });
    expect(await reasonOf(calls({ cursor: "not-a-cursor" }))).toBe("INVALID_PARAM");
    expect(await reasonOf(calls({ cursor: `1.${"z".repeat(32)}` }))).toBe("INVALID_PARAM");
    expect(await reasonOf(calls({ beginTime: 20, endTime: 10 }))).toBe("INVALID_PARAM");
  });

  it("costs one statement, whatever the page", async () => {
    const log = createStatementLog(db.url);
    try {
      const lctx = contextFor(log.prisma, appId);
      await log.prisma.$queryRaw`SELECT 1`;
      log.clear();
      await calls({ limit: 100 }, lctx);
      expect(log.statements).toHaveLength(1);
      log.clear();
      await calls({ outcome: "missed", limit: 2 }, lctx);
      expect(log.statements).toHaveLength(1);
    } finally {
      await log.close();
    }
  });
});
