import { createDb, type Database } from "@collab/db";
import {
  createStatementLog,
  createTestDatabase,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DomainContext } from "./context";
import { inviteSession } from "./invite-session";
import { contextFor, inviteRequest, newApp, newSession, uid } from "./test-support";
import { timeOutDueCalls } from "./time-out-due-calls";

// The ring clock's sweep (timeOutDueCalls) against a real database: many due rings, two sweepers
// at once (on PostgreSQL each with its own connections, so their statements really overlap),
// each member moved exactly once, one event each, consecutive seqs per session.

/** Waits until the database's clock has passed every deadline of the given sessions. */
async function untilDue(db: Database, sessionIds: readonly string[]): Promise<void> {
  for (;;) {
    const rows = await db.$queryRaw<{ pending: number }[]>`
      SELECT count(*)::int AS pending FROM "session_member"
      WHERE "session_id" = ANY(${sessionIds}::bpchar[]) AND "calling_deadline" > now()`;
    if (rows[0]?.pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(testDatabaseTargets())("calling-timeout sweep on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let ctx: DomainContext;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    // Rings without an explicit timeout must not fall due while these tests run.
    ctx = contextFor(prisma, await newApp(prisma, "sweep tests"), "trace-sweep", {
      callingTimeoutSeconds: 3600,
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("two sweepers, 1,000 due rings in 40 sessions: each timed out exactly once, in order", async () => {
    const sessions = await Promise.all(Array.from({ length: 40 }, () => newSession(ctx)));
    const members = new Map<string, string[]>();
    for (const s of sessions) {
      const rung = Array.from({ length: 25 }, () => uid("m"));
      members.set(s.sessionID, rung);
      await inviteSession(ctx, inviteRequest(s, s.creator, rung), { callingTimeoutSeconds: 1 });
    }
    const sessionIds = sessions.map((s) => s.sessionID);
    await untilDue(prisma, sessionIds);

    // Two sweepers with their own pools on PostgreSQL; PGlite is one session (they queue). Their
    // batches wait for one of two connections: on a busy machine longer than the default 5 s.
    const clients =
      target === "postgres"
        ? await Promise.all(
            [1, 2].map(() =>
              createDb({ databaseUrl: db.url, poolMax: 2, connectTimeoutMs: 60_000 }),
            ),
          )
        : [];
    const sweepers = clients.length > 0 ? clients.map((c) => c.prisma) : [prisma, prisma];
    try {
      const runs = await Promise.all(
        sweepers.map(async (client) => {
          const moved: string[] = [];
          for (;;) {
            // A small, odd batch: many statements, interleaved between the two sweepers.
            const sweep = await timeOutDueCalls({ db: client }, { batchSize: 37 });
            moved.push(...sweep.timedOut.map((m) => `${m.sessionId}/${m.userId}`));
            if (!sweep.more) {
              const left = await client.sessionMember.count({
                where: { sessionId: { in: sessionIds }, memberSessionState: "MEMBER_CALLING" },
              });
              if (left === 0) return moved;
            }
          }
        }),
      );
      const all = runs.flat();
      expect(all).toHaveLength(1_000);
      expect(new Set(all).size).toBe(1_000);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }

    const rows = await prisma.sessionMember.findMany({
      where: { sessionId: { in: sessionIds }, userId: { startsWith: "m-" } },
    });
    expect(rows).toHaveLength(1_000);
    expect(rows.every((r) => r.memberSessionState === "MEMBER_TIMEOUT")).toBe(true);
    expect(rows.every((r) => r.callingDeadline === null)).toBe(true);
    const invitedAt = new Map(rows.map((r) => [`${r.sessionId}/${r.userId}`, r.invitedAt]));

    for (const s of sessions) {
      const events = await prisma.sessionEvent.findMany({
        where: { sessionId: s.sessionID },
        orderBy: { seq: "asc" },
      });
      // session.created, member.added, 25 × member.invited, 25 × member.timeout: seqs 1…52.
      expect(events.map((e) => e.seq)).toStrictEqual(events.map((_, i) => i + 1));
      const timeouts = events.filter((e) => e.type === "member.timeout");
      expect(timeouts.map((e) => e.subjectId).sort()).toStrictEqual(
        [...(members.get(s.sessionID) ?? [])].sort(),
      );
      for (const e of timeouts) {
        const ring = invitedAt.get(`${s.sessionID}/${e.subjectId}`) ?? null;
        expect(e).toMatchObject({
          actorId: null,
          traceId: null,
          fromState: "MEMBER_CALLING",
          toState: "MEMBER_TIMEOUT",
          payload: { collaborationID: s.collaborationID },
        });
        const payload = e.payload as { invitedAt: string };
        expect(Date.parse(payload.invitedAt)).toBe(ring?.getTime());
        // Never early: the event is written after the ring's deadline (the database's clock).
        expect(e.createdAt.getTime()).toBeGreaterThanOrEqual((ring?.getTime() ?? 0) + 1_000);
      }
    }
  });

  it("is one statement per batch, and reports the next deadline", async () => {
    const s = await newSession(ctx);
    const [soon, later] = [uid("soon"), uid("later")];
    await inviteSession(ctx, inviteRequest(s, s.creator, [soon]), { callingTimeoutSeconds: 0.3 });
    await inviteSession(ctx, inviteRequest(s, s.creator, [later]), { callingTimeoutSeconds: 30 });
    const log = createStatementLog(db.url);
    try {
      await log.prisma.$queryRaw`SELECT 1`;
      // Wait for the short ring's deadline, by the database's clock.
      for (;;) {
        const [row] = await prisma.$queryRaw<{ due: boolean }[]>`
          SELECT "calling_deadline" <= now() AS due FROM "session_member"
          WHERE "session_id" = ${s.sessionID} AND "user_id" = ${soon}`;
        if (row?.due) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      log.clear();
      const sweep = await timeOutDueCalls({ db: log.prisma });
      expect(log.statements).toHaveLength(1);
      expect(sweep.timedOut.map((m) => m.userId)).toContain(soon);
      expect(sweep.more).toBe(false);
      // The 30 s ring is next (or another test's hour-long one, which is later).
      expect(sweep.nextDueInMs).toBeGreaterThan(25_000);
      expect(sweep.nextDueInMs).toBeLessThanOrEqual(30_000);
    } finally {
      await log.close();
    }
  });

  it("a full batch asks for another sweep at once; nothing due asks for none", async () => {
    const s = await newSession(ctx);
    const rung = Array.from({ length: 5 }, () => uid("b"));
    await inviteSession(ctx, inviteRequest(s, s.creator, rung), { callingTimeoutSeconds: 0.2 });
    await untilDue(prisma, [s.sessionID]);
    const first = await timeOutDueCalls({ db: prisma }, { batchSize: 3 });
    expect(first.timedOut).toHaveLength(3);
    expect(first.more).toBe(true);
    const second = await timeOutDueCalls({ db: prisma }, { batchSize: 3 });
    expect(second.timedOut).toHaveLength(2);
    expect(second.more).toBe(false);
    const third = await timeOutDueCalls({ db: prisma }, { batchSize: 3 });
    expect(third.timedOut).toHaveLength(0);
    expect(third.more).toBe(false);
    // The session's seqs continue across the sweeps: 1 created, 2 added, 3–7 invited, 8–12.
    const seqs = [...first.timedOut, ...second.timedOut].map((m) => m.seq).sort((a, b) => a - b);
    expect(seqs).toStrictEqual([8, 9, 10, 11, 12]);
  });
});
