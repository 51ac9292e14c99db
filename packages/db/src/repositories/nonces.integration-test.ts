import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "../testing";
import { createApp, findAppSecret } from "./apps";
import { consumeNonce, purgeExpiredNonces, UnknownAppError } from "./nonces";

describe.each(testDatabaseTargets())("nonces and app secrets on %s", (target) => {
  let db: TestDatabase;
  let appId: string;
  let otherAppId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    appId = (await createApp(db.prisma, { name: "Nonce app" })).id;
    otherAppId = (await createApp(db.prisma, { name: "Other app" })).id;
  });
  afterAll(async () => {
    await db?.close();
  });

  const inFiveMinutes = () => new Date(Date.now() + 300_000);

  it("finds an app's secret, and null for an unknown app", async () => {
    const secret = await findAppSecret(db.prisma, appId);
    expect(secret).toMatch(/^[A-Za-z0-9]{32,}$/);
    expect(await findAppSecret(db.prisma, "hiar-no-such-app")).toBeNull();
  });

  it("refuses a nonce of an app that does not exist (deleted after its secret was cached)", async () => {
    await expect(
      consumeNonce(db.prisma, {
        appId: "hiar-deleted-app",
        nonce: crypto.randomUUID(),
        expiresAt: inFiveMinutes(),
      }),
    ).rejects.toBeInstanceOf(UnknownAppError);
  });

  it("accepts a nonce once per app", async () => {
    const nonce = crypto.randomUUID();
    expect(await consumeNonce(db.prisma, { appId, nonce, expiresAt: inFiveMinutes() })).toBe(true);
    expect(await consumeNonce(db.prisma, { appId, nonce, expiresAt: inFiveMinutes() })).toBe(false);
    // The same nonce is another app's own business.
    expect(
      await consumeNonce(db.prisma, { appId: otherAppId, nonce, expiresAt: inFiveMinutes() }),
    ).toBe(true);
  });

  it("lets exactly one of many concurrent uses through", async () => {
    const nonce = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        consumeNonce(db.prisma, { appId, nonce, expiresAt: inFiveMinutes() }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("takes over an expired nonce and purges expired ones", async () => {
    const nonce = crypto.randomUUID();
    const past = new Date(Date.now() - 1_000);
    expect(await consumeNonce(db.prisma, { appId, nonce, expiresAt: past })).toBe(true);
    expect(await consumeNonce(db.prisma, { appId, nonce, expiresAt: inFiveMinutes() })).toBe(true);
    expect(await consumeNonce(db.prisma, { appId, nonce, expiresAt: inFiveMinutes() })).toBe(false);

    const stale = crypto.randomUUID();
    await consumeNonce(db.prisma, { appId, nonce: stale, expiresAt: past });
    expect(await purgeExpiredNonces(db.prisma)).toBeGreaterThanOrEqual(1);
    expect(await db.prisma.nonce.count({ where: { nonce: stale } })).toBe(0);
    expect(await db.prisma.nonce.count({ where: { nonce } })).toBe(1);
  });
});
