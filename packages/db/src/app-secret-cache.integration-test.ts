import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppSecretCache, createAppSecretCache } from "./app-secret-cache";
import { createApp, findAppSecret } from "./repositories/apps";
import {
  createStatementLog,
  createTestDatabase,
  type StatementLog,
  type TestDatabase,
  testDatabaseTargets,
} from "./testing";

/** findAppSecret's statement (Prisma's findUnique on the app table). */
const APP_LOOKUP = /FROM "(public"\.")?app"/;

describe.each(testDatabaseTargets())("app secret cache on %s", (target) => {
  let db: TestDatabase;
  let log: StatementLog;
  const apps: { id: string; secret: string }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    for (const name of ["one", "two", "three"]) {
      apps.push(await createApp(db.prisma, { name }));
    }
    log = createStatementLog(db.url);
    await log.prisma.$queryRaw`SELECT 1`; // connect outside the measurements
  });
  afterAll(async () => {
    await log?.close();
    await db?.close();
  });

  const app = (i: number) => apps[i] as { id: string; secret: string };
  /** Statements `run` sends to the database. */
  async function statementsOf(run: () => Promise<unknown>): Promise<number> {
    log.clear();
    await run();
    return log.statements.length;
  }

  it("answers a known app from memory: one statement for many lookups", async () => {
    const cache = createAppSecretCache(log.prisma);
    expect(await statementsOf(() => cache.lookup(app(0).id))).toBe(1);
    expect(log.statements[0]).toMatch(APP_LOOKUP);
    for (let i = 0; i < 10; i++) {
      expect(
        await statementsOf(async () =>
          expect((await cache.lookup(app(0).id))?.current).toBe(app(0).secret),
        ),
      ).toBe(0);
    }
    expect(await findAppSecret(db.prisma, app(0).id)).toBe(app(0).secret);
  });

  it("asks the database again once the TTL has passed", async () => {
    let now = 1_000;
    const cache = createAppSecretCache(log.prisma, { ttlMs: 5_000, now: () => now });
    const unknownId = "hiar-no-such-app-ttl";
    expect(await statementsOf(() => cache.lookup(app(0).id))).toBe(1);
    expect(await statementsOf(() => cache.lookup(unknownId))).toBe(1);
    now += 4_999;
    expect(await statementsOf(() => cache.lookup(app(0).id))).toBe(0);
    expect(await statementsOf(() => cache.lookup(unknownId))).toBe(0);
    now += 2;
    expect(await statementsOf(() => cache.lookup(app(0).id))).toBe(1);
    expect(await statementsOf(() => cache.lookup(unknownId))).toBe(1);
  });

  it("keeps at most maxApps secrets, least recently used forgotten first", async () => {
    const cache = createAppSecretCache(log.prisma, { maxApps: 2 });
    for (const i of [0, 1, 2]) await cache.lookup(app(i).id);
    // 0 was evicted by 2; 1 and 2 are remembered.
    expect(await statementsOf(() => cache.lookup(app(2).id))).toBe(0);
    expect(await statementsOf(() => cache.lookup(app(1).id))).toBe(0);
    expect(await statementsOf(() => cache.lookup(app(0).id))).toBe(1);
  });

  it("remembers made-up APPIDs apart: a flood of them never evicts a real app", async () => {
    const cache = createAppSecretCache(log.prisma, { maxApps: 2, maxUnknown: 3 });
    await cache.lookup(app(0).id);
    const madeUp = Array.from({ length: 50 }, (_, i) => `hiar-made-up-${i}`);
    for (const id of madeUp) expect(await cache.lookup(id)).toBeNull();
    expect(await statementsOf(() => cache.lookup(app(0).id))).toBe(0);
    // The last 3 made-up APPIDs are answered from memory, older ones are asked again.
    expect(await statementsOf(() => cache.lookup(madeUp[49] as string))).toBe(0);
    expect(await statementsOf(() => cache.lookup(madeUp[0] as string))).toBe(1);
    // Longer than any APPID the headers allow: never remembered.
    const long = `hiar-${"x".repeat(200)}`;
    expect(await statementsOf(() => cache.lookup(long))).toBe(1);
    expect(await statementsOf(() => cache.lookup(long))).toBe(1);
    // maxUnknown 0: "no such app" is never remembered.
    const never = createAppSecretCache(log.prisma, { maxUnknown: 0 });
    expect(await statementsOf(() => never.lookup("hiar-made-up-x"))).toBe(1);
    expect(await statementsOf(() => never.lookup("hiar-made-up-x"))).toBe(1);
  });

  it("invalidate: the next lookup reads the changed secret, or the app created meanwhile", async () => {
    const cache = createAppSecretCache(log.prisma);
    const rotated = await createApp(db.prisma, { name: "rotated" });
    expect((await cache.lookup(rotated.id))?.current).toBe(rotated.secret);
    const next = `${rotated.secret}-next`;
    await db.prisma.app.update({ where: { id: rotated.id }, data: { secret: next } });
    expect((await cache.lookup(rotated.id))?.current).toBe(rotated.secret); // within the TTL
    cache.invalidate(rotated.id);
    expect((await cache.lookup(rotated.id))?.current).toBe(next);

    const late = "hiar-created-later";
    expect(await cache.lookup(late)).toBeNull();
    await db.prisma.app.create({
      data: { id: late, name: "late", secret: "late-secret-0123456789" },
    });
    expect(await cache.lookup(late)).toBeNull(); // within the TTL
    cache.invalidate(late);
    expect((await cache.lookup(late))?.current).toBe("late-secret-0123456789");
  });

  it("does not store an answer read before an invalidation", async () => {
    let cache: AppSecretCache | undefined;
    // Invalidated while its statement is on the way: the answer is returned, not remembered.
    const racing = createStatementLog(db.url, {
      beforeStatement: (text) => {
        if (APP_LOOKUP.test(text)) cache?.invalidate(app(1).id);
      },
    });
    try {
      cache = createAppSecretCache(racing.prisma);
      expect((await cache.lookup(app(1).id))?.current).toBe(app(1).secret);
      const before = racing.statements.length;
      expect((await cache.lookup(app(1).id))?.current).toBe(app(1).secret);
      expect(racing.statements.length).toBe(before + 1);
    } finally {
      await racing.close();
    }
  });

  it("refuses options that would not bound it", () => {
    expect(() => createAppSecretCache(log.prisma, { ttlMs: 0 })).toThrow(RangeError);
    expect(() => createAppSecretCache(log.prisma, { maxApps: 0 })).toThrow(RangeError);
    expect(() => createAppSecretCache(log.prisma, { maxUnknown: -1 })).toThrow(RangeError);
    expect(() => createAppSecretCache(log.prisma, { maxApps: Number.POSITIVE_INFINITY })).toThrow(
      RangeError,
    );
  });
});
