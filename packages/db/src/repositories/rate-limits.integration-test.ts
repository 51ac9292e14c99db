import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../client";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "../testing";
import {
  clearSignInFailures,
  purgeRateLimits,
  refundSignInFailure,
  signInFailureBlockedFor,
  takeRateLimitToken,
  takeSignInFailure,
} from "./rate-limits";

describe.each(testDatabaseTargets())("shared rate limits on %s", (target) => {
  let db: TestDatabase;
  /** A second client with its own pool, as another server instance has (PostgreSQL only). */
  let other: Db | null = null;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    if (db.kind === "postgres") other = await createDb({ databaseUrl: db.url, poolMax: 10 });
  });
  afterAll(async () => {
    await other?.close();
    await db?.close();
  });

  const clients = () => (other === null ? [db.prisma] : [db.prisma, other.prisma]);
  const slow = { perSecond: 0.001, burst: 7 };

  it("gives a bucket's burst to concurrent takes from two clients, exactly, then says when", async () => {
    const key = `rest:${crypto.randomUUID()}`;
    const both = clients();
    const decisions = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        takeRateLimitToken(both[i % both.length] ?? db.prisma, key, slow),
      ),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(slow.burst);
    for (const decision of decisions) {
      if (!decision.allowed) {
        // One token at 0.001/s takes up to 1000 s.
        expect(decision.retryAfterMs).toBeGreaterThan(900_000);
        expect(decision.retryAfterMs).toBeLessThanOrEqual(1_000_000);
      }
    }
    // Another key is another bucket.
    expect((await takeRateLimitToken(db.prisma, `${key}-2`, slow)).allowed).toBe(true);
  });

  it("refills at the rate, up to the burst", async () => {
    const key = `rest:${crypto.randomUUID()}`;
    const fast = { perSecond: 50, burst: 2 };
    expect((await takeRateLimitToken(db.prisma, key, fast)).allowed).toBe(true);
    expect((await takeRateLimitToken(db.prisma, key, fast)).allowed).toBe(true);
    // Emptied: at 50/s a token takes 20 ms. Wait for it (a condition, not a fixed sleep).
    const started = Date.now();
    let decision = await takeRateLimitToken(db.prisma, key, fast);
    while (!decision.allowed) {
      expect(decision.retryAfterMs).toBeLessThanOrEqual(20);
      expect(Date.now() - started).toBeLessThan(5_000);
      const waitMs = decision.retryAfterMs;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      decision = await takeRateLimitToken(db.prisma, key, fast);
    }
  });

  it("never holds more than the burst, however long it was idle", async () => {
    const key = `rest:${crypto.randomUUID()}`;
    expect((await takeRateLimitToken(db.prisma, key, slow)).allowed).toBe(true);
    // An hour at 0.001/s would add 3.6 tokens to the 6 left.
    await db.prisma.$executeRaw`
      UPDATE "rate_limit_bucket" SET "updated_at" = now() - interval '1 hour' WHERE "key" = ${key}`;
    const decisions = await Promise.all(
      Array.from({ length: 12 }, () => takeRateLimitToken(db.prisma, key, slow)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(slow.burst);
  });

  it("counts sign-in failures per key within a window, exactly under concurrency", async () => {
    const key = `app:${crypto.randomUUID()}`;
    const window = { limit: 5, windowMs: 300_000 };
    const both = clients();
    const waits = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        takeSignInFailure(both[i % both.length] ?? db.prisma, key, window),
      ),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(window.limit);
    for (const wait of waits.filter((w) => w > 0)) {
      expect(wait).toBeGreaterThan(290_000);
      expect(wait).toBeLessThanOrEqual(300_000);
    }
    expect(await signInFailureBlockedFor(db.prisma, key, window.limit)).toBeGreaterThan(290_000);

    // A refund makes room for exactly one more.
    await refundSignInFailure(db.prisma, key);
    expect(await signInFailureBlockedFor(db.prisma, key, window.limit)).toBe(0);
    expect(await takeSignInFailure(db.prisma, key, window)).toBe(0);
    expect(await takeSignInFailure(db.prisma, key, window)).toBeGreaterThan(0);

    // Success forgets them.
    await clearSignInFailures(db.prisma, key);
    expect(await signInFailureBlockedFor(db.prisma, key, window.limit)).toBe(0);
    expect(await takeSignInFailure(db.prisma, key, window)).toBe(0);
  });

  it("starts a new window when the last has ended", async () => {
    const key = `client:${crypto.randomUUID()}`;
    const window = { limit: 1, windowMs: 300_000 };
    expect(await takeSignInFailure(db.prisma, key, window)).toBe(0);
    expect(await takeSignInFailure(db.prisma, key, window)).toBeGreaterThan(0);
    await db.prisma.$executeRaw`
      UPDATE "sign_in_failure" SET "reset_at" = now() - interval '1 second' WHERE "key" = ${key}`;
    expect(await signInFailureBlockedFor(db.prisma, key, window.limit)).toBe(0);
    expect(await takeSignInFailure(db.prisma, key, window)).toBe(0);
    expect(await takeSignInFailure(db.prisma, key, window)).toBeGreaterThan(0);
  });

  it("purges full buckets and ended windows, and only those", async () => {
    const full = `rest:${crypto.randomUUID()}`;
    const busy = `rest:${crypto.randomUUID()}`;
    const ended = `app:${crypto.randomUUID()}`;
    const live = `app:${crypto.randomUUID()}`;
    await takeRateLimitToken(db.prisma, full, slow);
    await takeRateLimitToken(db.prisma, busy, slow);
    await takeSignInFailure(db.prisma, ended, { limit: 5, windowMs: 300_000 });
    await takeSignInFailure(db.prisma, live, { limit: 5, windowMs: 300_000 });
    // As if their time had come: one bucket refilled, one window over.
    await db.prisma.$executeRaw`
      UPDATE "rate_limit_bucket" SET "full_at" = now() - interval '1 ms' WHERE "key" = ${full}`;
    await db.prisma.$executeRaw`
      UPDATE "sign_in_failure" SET "reset_at" = now() - interval '1 ms' WHERE "key" = ${ended}`;

    await purgeRateLimits(db.prisma);
    const buckets = await db.prisma.rateLimitBucket.findMany({
      where: { key: { in: [full, busy] } },
    });
    expect(buckets.map((b) => b.key)).toEqual([busy]);
    const failures = await db.prisma.signInFailure.findMany({
      where: { key: { in: [ended, live] } },
    });
    expect(failures.map((f) => f.key)).toEqual([live]);
  });

  it("refuses a bucket that could never refill", async () => {
    await expect(takeRateLimitToken(db.prisma, "x", { perSecond: 0, burst: 1 })).rejects.toThrow(
      RangeError,
    );
  });
});
