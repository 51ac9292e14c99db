import { QueryByUserRequest } from "@collab/contracts";
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
import { queryCollaborationsByUser } from "./query-collaborations-by-user";
import {
  contextFor,
  inviteRequest,
  newApp,
  newSession,
  type SessionFixture,
  uid,
} from "./test-support";
import { timeOutDueCalls } from "./time-out-due-calls";

// The per-collaboration calling timeout (ruleSettings.callingTimeout, this project's extension):
// stored by /create, read by the invite under the session lock, and used for every rung member's
// deadline instead of the deployment's timeout (ctx.settings.callingTimeoutSeconds / options).

/** The deployment's timeout in these tests: an hour. */
const DEPLOYMENT_TIMEOUT_SECONDS = 3600;

describe.each(testDatabaseTargets())("per-collaboration calling timeout on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let appId: string;
  let ctx: DomainContext;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    appId = await newApp(prisma, "calling timeout tests");
    ctx = contextFor(prisma, appId, "trace-timeout", {
      callingTimeoutSeconds: DEPLOYMENT_TIMEOUT_SECONDS,
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A session whose collaboration sets `callingTimeout` as sent (absent when undefined). */
  function sessionWith(callingTimeout?: number | string): Promise<SessionFixture> {
    return newSession(ctx, {
      request: { ruleSettings: callingTimeout === undefined ? {} : { callingTimeout } },
    });
  }

  /** Milliseconds from the member's ring (invited_at) to its calling deadline. */
  async function delayOf(s: SessionFixture, member: string): Promise<number> {
    const row = await prisma.sessionMember.findUniqueOrThrow({
      where: { sessionId_userId: { sessionId: s.sessionID, userId: member } },
    });
    expect(row.memberSessionState).toBe("MEMBER_CALLING");
    const invitedAt = row.invitedAt?.getTime() ?? Number.NaN;
    return (row.callingDeadline?.getTime() ?? Number.NaN) - invitedAt;
  }

  it("/create copies it into the collaboration; /user/query echoes it only when set", async () => {
    const member = uid("listed");
    const own = await newSession(ctx, {
      members: [member],
      request: { ruleSettings: { numberLimit: 4, callingTimeout: "30" } },
    });
    const plain = await newSession(ctx, { members: [member] });
    const zero = await newSession(ctx, {
      members: [member],
      request: { ruleSettings: { callingTimeout: 0 } },
    });

    const rows = await prisma.collaboration.findMany({
      where: { id: { in: [own.collaborationID, plain.collaborationID, zero.collaborationID] } },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(own.collaborationID)).toMatchObject({
      numberLimit: 4,
      callingTimeoutSeconds: 30,
      ruleSettings: { numberLimit: 4, callingTimeout: 30 },
    });
    expect(byId.get(plain.collaborationID)?.callingTimeoutSeconds).toBe(0);
    expect(byId.get(zero.collaborationID)?.callingTimeoutSeconds).toBe(0);

    const { infos } = await queryCollaborationsByUser(
      ctx,
      QueryByUserRequest.parse({ userID: member }),
    );
    const rules = new Map(infos.map((i) => [i.collaborationID, i.ruleSettings]));
    expect(rules.get(own.collaborationID)).toMatchObject({ numberLimit: 4, callingTimeout: 30 });
    expect(Object.keys(rules.get(own.collaborationID) ?? {}).at(-1)).toBe("callingTimeout");
    // Unset (absent or 0): exactly HiAR's ruleSettings, no extension field.
    expect(rules.get(plain.collaborationID)).not.toHaveProperty("callingTimeout");
    expect(rules.get(zero.collaborationID)).not.toHaveProperty("callingTimeout");
    expect(rules.get(zero.collaborationID)).toStrictEqual(rules.get(plain.collaborationID));
  });

  it("sets the deadline with the collaboration's timeout, over the deployment's and the caller's", async () => {
    const own = await sessionWith(1);
    const [a, b] = [uid("a"), uid("b")];
    await inviteSession(ctx, inviteRequest(own, own.creator, [a]));
    await inviteSession(ctx, inviteRequest(own, own.creator, [b]), {
      callingTimeoutSeconds: 120,
    });
    expect(await delayOf(own, a)).toBe(1_000);
    expect(await delayOf(own, b)).toBe(1_000);

    // Without one of its own (absent or 0): the caller's timeout, else the deployment's.
    for (const plain of [await sessionWith(), await sessionWith(0)]) {
      const [c, d] = [uid("c"), uid("d")];
      await inviteSession(ctx, inviteRequest(plain, plain.creator, [c]));
      await inviteSession(ctx, inviteRequest(plain, plain.creator, [d]), {
        callingTimeoutSeconds: 120,
      });
      expect(await delayOf(plain, c)).toBe(3_600_000);
      expect(await delayOf(plain, d)).toBe(120_000);
    }

    // The upper bound, and a re-ring: the new deadline counts from the new ring, same timeout.
    const day = await sessionWith("86400");
    const e = uid("e");
    await inviteSession(ctx, inviteRequest(day, day.creator, [e]));
    expect(await delayOf(day, e)).toBe(86_400_000);
    const first = await prisma.sessionMember.findUniqueOrThrow({
      where: { sessionId_userId: { sessionId: day.sessionID, userId: e } },
    });
    await prisma.sessionMember.update({
      where: { sessionId_userId: { sessionId: day.sessionID, userId: e } },
      data: { memberSessionState: "MEMBER_DECLINE" },
    });
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later invited_at
    await inviteSession(ctx, inviteRequest(day, day.creator, [e]));
    expect(await delayOf(day, e)).toBe(86_400_000);
    const again = await prisma.sessionMember.findUniqueOrThrow({
      where: { sessionId_userId: { sessionId: day.sessionID, userId: e } },
    });
    expect(again.callingDeadline?.getTime()).toBeGreaterThan(first.callingDeadline?.getTime() ?? 0);

    // The invite's own timeout (extension) overrides the collaboration's and the deployment's,
    // for the members it rings only; 0 means not set.
    const [g, h, i] = [uid("g"), uid("h"), uid("i")];
    await inviteSession(ctx, { ...inviteRequest(own, own.creator, [g]), callingTimeout: 45 });
    await inviteSession(ctx, { ...inviteRequest(day, day.creator, [h]), callingTimeout: 2 });
    await inviteSession(ctx, { ...inviteRequest(own, own.creator, [i]), callingTimeout: 0 });
    expect(await delayOf(own, g)).toBe(45_000);
    expect(await delayOf(day, h)).toBe(2_000);
    expect(await delayOf(own, i)).toBe(1_000);

    // The deployment's value may have a fraction of a second.
    const fraction = await sessionWith();
    const f = uid("f");
    await inviteSession(
      { ...ctx, settings: { ...ctx.settings, callingTimeoutSeconds: 2.5 } },
      inviteRequest(fraction, fraction.creator, [f]),
    );
    expect(await delayOf(fraction, f)).toBe(2_500);
  });

  it("callingTimeout 1 times its rung member out long before a deployment default of an hour", async () => {
    const fast = await sessionWith(1);
    const slow = await sessionWith();
    const [quick, patient] = [uid("quick"), uid("patient")];
    await inviteSession(ctx, inviteRequest(fast, fast.creator, [quick]));
    await inviteSession(ctx, inviteRequest(slow, slow.creator, [patient]));

    // What the ring clock does: sweep until the member is due (deadline ≤ now(), the database's
    // clock) and timed out.
    const state = async (s: SessionFixture, userId: string) =>
      (
        await prisma.sessionMember.findUniqueOrThrow({
          where: { sessionId_userId: { sessionId: s.sessionID, userId } },
        })
      ).memberSessionState;
    const deadline = Date.now() + 10_000;
    while ((await state(fast, quick)) === "MEMBER_CALLING" && Date.now() < deadline) {
      await timeOutDueCalls({ db: prisma });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await state(fast, quick)).toBe("MEMBER_TIMEOUT");
    expect(await state(slow, patient)).toBe("MEMBER_CALLING");
    const events = await prisma.sessionEvent.findMany({
      where: { sessionId: fast.sessionID, type: "member.timeout" },
    });
    expect(events).toMatchObject([
      { actorId: null, subjectId: quick, fromState: "MEMBER_CALLING", toState: "MEMBER_TIMEOUT" },
    ]);
  });

  it("costs the invite no extra statement: its read reads the collaboration's timeout", async () => {
    const log = createStatementLog(db.url);
    try {
      const lctx = contextFor(log.prisma, appId);
      const s = await sessionWith(7);
      await log.prisma.$queryRaw`SELECT 1`; // connect outside the measurement
      log.clear();
      const member = uid("m");
      await inviteSession(lctx, inviteRequest(s, s.creator, [member]), {
        callingTimeoutSeconds: 3600,
      });
      const statements = [...log.statements];
      // The read (no lock) and the write; no transaction.
      expect(statements).toHaveLength(2);
      expect(statements[0]).not.toContain("FOR UPDATE");
      expect(statements[0]).toContain("calling_timeout_seconds");
      // The write's member upsert writes the deadline.
      expect(statements[1]).toContain("calling_deadline");
      expect(await delayOf(s, member)).toBe(7_000);
    } finally {
      await log.close();
    }
  });
});
