import {
  claimPeriodicRun,
  consumeNonce,
  createConsoleSession,
  createDb,
  type Database,
  purgeWebhookAttempts,
  revokeConsoleSession,
  takeRateLimitToken,
  takeSignInFailure,
} from "@collab/db";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAINTENANCE_TASK, runMaintenance } from "./maintenance";
import { appContext, eventually, sleep, uid } from "./test-support";
import { startWorker, type Worker } from "./worker";

// Maintenance: expired nonces and old delivery attempts go, everything else stays; one worker per
// interval runs it, whatever the number of workers.

const DAY = 86_400_000;

describe.each(testDatabaseTargets())("maintenance on %s", (target) => {
  let db: TestDatabase;
  let prisma: Database;
  let appId: string;

  /** Logs delivery attempts created `ageDays` ago, one per age, in the given order. */
  async function logAttempts(ageDays: readonly number[]): Promise<void> {
    for (const age of ageDays) {
      await prisma.$executeRaw`
        INSERT INTO "webhook_attempt"
          ("app_id", "session_id", "event_id", "seq", "event_type", "url", "attempt", "outcome",
           "duration_ms", "created_at")
        VALUES (${appId}, ${uid("s").padEnd(32, "0").slice(0, 32)}, 1, 1, 'member.invited',
                'http://127.0.0.1:9/hook', 1, 'DELIVERED', 3,
                now() - make_interval(secs => ${age * 86_400}::float8))`;
    }
  }
  const attemptAges = async () =>
    (
      await prisma.$queryRaw<{ days: number }[]>`
        SELECT round(extract(epoch FROM now() - "created_at") / 86400)::int AS days
        FROM "webhook_attempt" WHERE "app_id" = ${appId} ORDER BY "id"`
    ).map((row) => row.days);

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    prisma = db.prisma;
    appId = (await appContext(prisma)).ctx.app.id;
  });
  afterAll(async () => {
    await db?.close();
  });

  it("deletes attempts older than the retention, in batches, and keeps the rest", async () => {
    await logAttempts([40, 35, 31, 31, 31, 30.5, 29, 2, 0]);
    const deleted = await purgeWebhookAttempts(prisma, {
      olderThan: new Date(Date.now() - 30 * DAY),
      batchSize: 2,
    });
    expect(deleted).toBe(6);
    expect(await attemptAges()).toStrictEqual([29, 2, 0]);
    // Nothing old left: a second pass deletes nothing.
    expect(await purgeWebhookAttempts(prisma, { olderThan: new Date(Date.now() - 30 * DAY) })).toBe(
      0,
    );
  });

  it("one pass purges expired and revoked console sessions, and keeps live ones", async () => {
    const open = () => createConsoleSession(prisma, { appId, maxAgeSeconds: 3_600 });
    const [live, expired, revoked] = [(await open()).id, (await open()).id, (await open()).id];
    await prisma.$executeRaw`
      UPDATE "console_session" SET "expires_at" = now() - interval '1 second' WHERE "id" = ${expired}`;
    await revokeConsoleSession(prisma, { id: revoked, appId });

    const purged = await runMaintenance(prisma, { attemptRetentionMs: 30 * DAY });
    expect(purged.consoleSessions).toBeGreaterThanOrEqual(2);
    const left = await prisma.consoleSession.findMany({ where: { appId }, select: { id: true } });
    expect(left.map((row) => row.id)).toStrictEqual([live]);
  });

  it("one pass purges expired nonces and old attempts", async () => {
    const now = Date.now();
    const stale = uid("nonce");
    const fresh = uid("nonce");
    expect(await consumeNonce(prisma, { appId, nonce: stale, expiresAt: new Date(now - 1) })).toBe(
      true,
    );
    expect(
      await consumeNonce(prisma, { appId, nonce: fresh, expiresAt: new Date(now + 60_000) }),
    ).toBe(true);
    await logAttempts([8, 1]);

    const purged = await runMaintenance(prisma, { attemptRetentionMs: 7 * DAY });
    expect(purged.nonces).toBeGreaterThanOrEqual(1);
    expect(purged.webhookAttempts).toBe(2); // the 8-day one, and the 29-day one of the test above
    expect(await attemptAges()).toStrictEqual([2, 0, 1]);
    const nonces = await prisma.nonce.findMany({ where: { appId }, select: { nonce: true } });
    expect(nonces.map((n) => n.nonce)).toStrictEqual([fresh]);
    // The fresh nonce is still refused as a replay.
    expect(await consumeNonce(prisma, { appId, nonce: fresh, expiresAt: new Date(now) })).toBe(
      false,
    );
  });

  it("one pass purges full rate-limit buckets and ended sign-in windows, and keeps the others", async () => {
    const bucket = { perSecond: 0.001, burst: 5 };
    const window = { limit: 5, windowMs: 300_000 };
    const [full, busy, ended, live] = [uid("rest"), uid("rest"), uid("app"), uid("app")];
    await takeRateLimitToken(prisma, full, bucket);
    await takeRateLimitToken(prisma, busy, bucket);
    await takeSignInFailure(prisma, ended, window);
    await takeSignInFailure(prisma, live, window);
    await prisma.$executeRaw`
      UPDATE "rate_limit_bucket" SET "full_at" = now() - interval '1 ms' WHERE "key" = ${full}`;
    await prisma.$executeRaw`
      UPDATE "sign_in_failure" SET "reset_at" = now() - interval '1 ms' WHERE "key" = ${ended}`;

    const purged = await runMaintenance(prisma, { attemptRetentionMs: 30 * DAY });
    expect(purged.rateLimits).toBeGreaterThanOrEqual(2);
    const buckets = await prisma.rateLimitBucket.findMany({ where: { key: { in: [full, busy] } } });
    expect(buckets.map((row) => row.key)).toStrictEqual([busy]);
    const failures = await prisma.signInFailure.findMany({ where: { key: { in: [ended, live] } } });
    expect(failures.map((row) => row.key)).toStrictEqual([live]);
  });

  it("a periodic run is claimed by exactly one of many concurrent callers per interval", async () => {
    // On PostgreSQL through separate pools, so the claims really race.
    const pools =
      target === "postgres"
        ? await Promise.all([1, 2, 3].map(() => createDb({ databaseUrl: db.url, poolMax: 4 })))
        : [];
    const clients = pools.length > 0 ? pools.map((p) => p.prisma) : [prisma];
    try {
      const name = uid("task");
      const claimAll = () =>
        Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            claimPeriodicRun(clients[i % clients.length] as Database, { name, intervalMs: 1_000 }),
          ),
        );
      expect((await claimAll()).filter(Boolean)).toHaveLength(1); // the first claim ever
      expect((await claimAll()).filter(Boolean)).toHaveLength(0); // within the interval
      // After the interval (by the database's clock), again exactly one.
      await prisma.$executeRaw`
        UPDATE "periodic_task" SET "last_run_at" = now() - interval '2 seconds' WHERE "name" = ${name}`;
      expect((await claimAll()).filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  it("workers run the maintenance pass once per interval between them", async () => {
    await prisma.$executeRaw`DELETE FROM "periodic_task" WHERE "name" = ${MAINTENANCE_TASK}`;
    const stale = uid("nonce");
    expect(
      await consumeNonce(prisma, { appId, nonce: stale, expiresAt: new Date(Date.now() - 1) }),
    ).toBe(true);
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        workers.push(await startWorker({ db, settings: { maintenanceIntervalMs: 2_000 } }));
      }
      // The first pass runs at once (no run recorded yet) and purges the expired nonce.
      expect(
        await eventually(
          async () => (await prisma.nonce.count({ where: { appId, nonce: stale } })) === 0,
          10_000,
        ),
      ).toBe(true);
      const [first] = await prisma.$queryRaw<{ at: Date }[]>`
        SELECT "last_run_at" AS at FROM "periodic_task" WHERE "name" = ${MAINTENANCE_TASK}`;
      // Three workers asking every second for 2.5 s: one more run at most (the next interval).
      await sleep(2_500);
      const [second] = await prisma.$queryRaw<{ at: Date }[]>`
        SELECT "last_run_at" AS at FROM "periodic_task" WHERE "name" = ${MAINTENANCE_TASK}`;
      expect(first?.at).toBeInstanceOf(Date);
      const gap = (second?.at.getTime() ?? 0) - (first?.at.getTime() ?? 0);
      expect(gap === 0 || gap >= 2_000).toBe(true);
      expect(workers.every((w) => w.state().status === "running")).toBe(true);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });
});
