import {
  consumeNonce,
  createTestDatabase,
  type Database,
  purgeWebhookAttempts,
  type TestDatabase,
  testDatabaseTargets,
} from "@collab/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAINTENANCE_TASK, runMaintenance } from "./maintenance";
import { appContext, eventually, uid } from "./test-support";
import { startWorker } from "./worker";

// The maintenance cron task: expired nonces and old delivery attempts go, everything else stays.

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

  it("a running worker registers the maintenance cron with graphile-worker", async () => {
    const worker = await startWorker({ db, settings: { pollIntervalMs: 100 } });
    try {
      const registered = await eventually(async () => {
        const rows = await prisma.$queryRaw<{ identifier: string }[]>`
          SELECT "identifier" FROM "graphile_worker"."_private_known_crontabs"`;
        return rows.some((row) => row.identifier === MAINTENANCE_TASK);
      }, 5_000);
      expect(registered).toBe(true);
    } finally {
      await worker.stop();
    }
  });
});
