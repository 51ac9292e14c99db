import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createStatementLog,
  createTestDatabase,
  type TestDatabase,
  testDatabaseTargets,
} from "../testing";
import { createApp } from "./apps";
import {
  createConsoleSession,
  findLiveConsoleSession,
  purgeConsoleSessions,
  revokeAppConsoleSessions,
  revokeConsoleSession,
} from "./console-sessions";

describe.each(testDatabaseTargets())("console sessions on %s", (target) => {
  let db: TestDatabase;
  let appId: string;
  let otherAppId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    appId = (await createApp(db.prisma, { name: "Console app" })).id;
    otherAppId = (await createApp(db.prisma, { name: "Other console app" })).id;
  });
  afterAll(async () => {
    await db?.close();
  });

  const hour = 3_600;
  const countRows = async () => db.prisma.consoleSession.count();

  it("creates a live session with a random id and finds its app by id", async () => {
    const before = Date.now();
    const session = await createConsoleSession(db.prisma, { appId, maxAgeSeconds: 12 * hour });
    expect(session.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.appId).toBe(appId);
    // Expiry from the database's clock; allow for skew between it and this process.
    expect(session.expiresAt.getTime()).toBeGreaterThan(before + 12 * hour * 1000 - 60_000);
    expect(session.expiresAt.getTime()).toBeLessThan(Date.now() + 12 * hour * 1000 + 60_000);
    expect(await findLiveConsoleSession(db.prisma, session.id)).toEqual({ appId });
    expect(await findLiveConsoleSession(db.prisma, "no-such-session")).toBeNull();

    const other = await createConsoleSession(db.prisma, { appId, maxAgeSeconds: hour });
    expect(other.id).not.toBe(session.id);
  });

  it("looks a session up in one primary-key statement", async () => {
    const session = await createConsoleSession(db.prisma, { appId, maxAgeSeconds: hour });
    const log = createStatementLog(db.url);
    try {
      log.clear();
      expect(await findLiveConsoleSession(log.prisma, session.id)).toEqual({ appId });
      expect(log.statements).toHaveLength(1);
    } finally {
      await log.close();
    }
    const plan = await db.prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
      `EXPLAIN SELECT "app_id" FROM "console_session"
       WHERE "id" = $1 AND "revoked_at" IS NULL AND "expires_at" > now()`,
      session.id,
    );
    expect(plan.map((row) => row["QUERY PLAN"]).join("\n")).toContain("console_session_pkey");
  });

  it("revokes one session (sign-out) and leaves the app's others live", async () => {
    const mine = await createConsoleSession(db.prisma, { appId, maxAgeSeconds: hour });
    const another = await createConsoleSession(db.prisma, { appId, maxAgeSeconds: hour });
    // Another app cannot revoke it.
    expect(await revokeConsoleSession(db.prisma, { id: mine.id, appId: otherAppId })).toBe(false);
    expect(await findLiveConsoleSession(db.prisma, mine.id)).toEqual({ appId });

    expect(await revokeConsoleSession(db.prisma, { id: mine.id, appId })).toBe(true);
    expect(await findLiveConsoleSession(db.prisma, mine.id)).toBeNull();
    expect(await revokeConsoleSession(db.prisma, { id: mine.id, appId })).toBe(false);
    expect(await findLiveConsoleSession(db.prisma, another.id)).toEqual({ appId });
  });

  it("revokes every live session of one app (sign out everywhere), not another app's", async () => {
    const sessions = await Promise.all(
      [1, 2, 3].map(() => createConsoleSession(db.prisma, { appId, maxAgeSeconds: hour })),
    );
    const others = await createConsoleSession(db.prisma, {
      appId: otherAppId,
      maxAgeSeconds: hour,
    });
    expect(await revokeAppConsoleSessions(db.prisma, appId)).toBeGreaterThanOrEqual(3);
    for (const session of sessions) {
      expect(await findLiveConsoleSession(db.prisma, session.id)).toBeNull();
    }
    expect(await findLiveConsoleSession(db.prisma, others.id)).toEqual({ appId: otherAppId });
    expect(await revokeAppConsoleSessions(db.prisma, appId)).toBe(0);
  });

  it("expires sessions by the clock, and purges expired and revoked rows only", async () => {
    const expiring = await createConsoleSession(db.prisma, { appId, maxAgeSeconds: 0.2 });
    const live = await createConsoleSession(db.prisma, { appId: otherAppId, maxAgeSeconds: hour });
    await expect
      .poll(() => findLiveConsoleSession(db.prisma, expiring.id), { timeout: 5_000 })
      .toBeNull();

    expect(await purgeConsoleSessions(db.prisma)).toBeGreaterThan(0);
    const remaining = await db.prisma.consoleSession.findMany({ select: { id: true } });
    // Only live sessions are left: every one the tests above revoked or let expire is gone.
    for (const row of remaining) {
      expect(await findLiveConsoleSession(db.prisma, row.id)).not.toBeNull();
    }
    expect(remaining.map((row) => row.id)).toContain(live.id);
    expect(remaining.map((row) => row.id)).not.toContain(expiring.id);
    expect(await purgeConsoleSessions(db.prisma)).toBe(0);
    expect(await countRows()).toBe(remaining.length);
  });

  it("deletes an app's sessions with the app", async () => {
    const doomed = await createApp(db.prisma, { name: "Deleted console app" });
    const session = await createConsoleSession(db.prisma, {
      appId: doomed.id,
      maxAgeSeconds: hour,
    });
    await db.prisma.app.delete({ where: { id: doomed.id } });
    expect(await findLiveConsoleSession(db.prisma, session.id)).toBeNull();
    expect(await db.prisma.consoleSession.count({ where: { id: session.id } })).toBe(0);
  });
});
