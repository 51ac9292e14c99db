import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppSecretCache } from "./app-secret-cache";
import {
  AppNotFoundError,
  acceptedSecrets,
  createApp,
  findAppCredentials,
  findAppSecrets,
  reencryptAppSecrets,
  rotateAppSecret,
} from "./repositories/apps";
import { readWebhookBatch } from "./repositories/webhooks";
import {
  CorruptSecretError,
  createSecretBox,
  PLAINTEXT_SECRET_BOX,
  sealedKeyId,
  secretKeyId,
  UnknownSecretKeyError,
} from "./secret-box";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "./testing";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const idOf = (key: string) => secretKeyId(Buffer.from(key, "base64"));

describe("the secret box", () => {
  it("round-trips under a key, binds the app id, and names the key it needs", () => {
    const box = createSecretBox({ current: keyA });
    const sealed = box.seal("hiar1", "the-secret");
    expect(sealed).toMatch(/^enc:v1:[0-9a-f]{16}:[\w-]+:[\w-]+:[\w-]+$/);
    expect(sealed).not.toContain("the-secret");
    expect(sealedKeyId(sealed)).toBe(idOf(keyA));
    expect(box.open("hiar1", sealed)).toBe("the-secret");
    // A fresh IV every time.
    expect(box.seal("hiar1", "the-secret")).not.toBe(sealed);
    // Copied onto another app, or altered: refused, naming the key, never the secret.
    expect(() => box.open("hiar2", sealed)).toThrow(CorruptSecretError);
    // The tag's third-last character changed (to one it is not: 1 in 64 was already "A").
    const altered = `${sealed.slice(0, -3)}${sealed.at(-3) === "A" ? "B" : "A"}${sealed.slice(-2)}`;
    expect(() => box.open("hiar1", altered)).toThrow(CorruptSecretError);
    // Plaintext passes through (rows written before a key was set).
    expect(box.open("hiar1", "plain-secret")).toBe("plain-secret");
  });

  it("opens under a previous key, and refuses an unknown key by its id", () => {
    const sealedUnderA = createSecretBox({ current: keyA }).seal("hiar1", "s");
    expect(createSecretBox({ current: keyB, previous: [keyA] }).open("hiar1", sealedUnderA)).toBe(
      "s",
    );
    const error = (() => {
      try {
        createSecretBox({ current: keyB }).open("hiar1", sealedUnderA);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UnknownSecretKeyError);
    expect((error as UnknownSecretKeyError).keyId).toBe(idOf(keyA));
    expect(String((error as Error).message)).toContain(idOf(keyA));
    expect(() => PLAINTEXT_SECRET_BOX.open("hiar1", sealedUnderA)).toThrow(UnknownSecretKeyError);
    expect(() => createSecretBox({ current: "c2hvcnQ=" })).toThrow(RangeError);
  });
});

describe.each(testDatabaseTargets())("app secret rotation and encryption on %s", (target) => {
  let db: TestDatabase;
  const boxA = createSecretBox({ current: keyA });

  beforeAll(async () => {
    db = await createTestDatabase({ target });
  });
  afterAll(async () => {
    await db?.close();
  });

  async function storedRow(id: string) {
    const rows = await db.prisma.$queryRaw<
      { secret: string; previous_secret: string | null; row: string }[]
    >`SELECT "secret", "previous_secret", row_to_json(a)::text AS row FROM "app" a WHERE "id" = ${id}`;
    return rows[0] as { secret: string; previous_secret: string | null; row: string };
  }

  /** Ends the overlap the way time would: the stored expiry moves into the past. */
  async function endOverlap(id: string) {
    await db.prisma.$executeRaw`
      UPDATE "app" SET "previous_secret_expires_at" = now() - interval '1 second' WHERE "id" = ${id}`;
  }

  it("rotates: the new and the previous secret are both accepted during the overlap, then only the new", async () => {
    const app = await createApp(db.prisma, { name: "rotating", secretBox: PLAINTEXT_SECRET_BOX });
    const before = Date.now();
    const rotated = await rotateAppSecret(db.prisma, app.id, {
      overlapMs: 3_600_000,
      box: PLAINTEXT_SECRET_BOX,
    });
    expect(rotated.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(rotated.secret).not.toBe(app.secret);
    const expiresAt = rotated.previousExpiresAt?.getTime() ?? 0;
    // The database's clock: allow for skew with this process.
    expect(Math.abs(expiresAt - (before + 3_600_000))).toBeLessThan(60_000);

    const during = await findAppSecrets(db.prisma, app.id, { box: PLAINTEXT_SECRET_BOX });
    expect(during?.current).toBe(rotated.secret);
    expect(acceptedSecrets(during ?? { current: "", previous: null })).toEqual([
      rotated.secret,
      app.secret,
    ]);
    const credentials = await findAppCredentials(db.prisma, app.id, { box: PLAINTEXT_SECRET_BOX });
    expect(credentials?.secrets.previous?.secret).toBe(app.secret);

    // The cache drops the previous secret when its expiry passes, even within its TTL.
    const cache = createAppSecretCache(db.prisma, { box: PLAINTEXT_SECRET_BOX });
    expect(
      acceptedSecrets((await cache.lookup(app.id)) ?? { current: "", previous: null }),
    ).toEqual([rotated.secret, app.secret]);

    await endOverlap(app.id);
    const after = await findAppSecrets(db.prisma, app.id, { box: PLAINTEXT_SECRET_BOX });
    expect(after).toEqual({ current: rotated.secret, previous: null });
    cache.invalidate(app.id);
    expect(await cache.lookup(app.id)).toEqual({ current: rotated.secret, previous: null });

    // A second rotation replaces the previous secret; overlap 0 ends the old one at once.
    const again = await rotateAppSecret(db.prisma, app.id, {
      overlapMs: 0,
      box: PLAINTEXT_SECRET_BOX,
    });
    expect(again.previousExpiresAt).toBeNull();
    expect(await findAppSecrets(db.prisma, app.id, { box: PLAINTEXT_SECRET_BOX })).toEqual({
      current: again.secret,
      previous: null,
    });
    expect((await storedRow(app.id)).previous_secret).toBeNull();
  });

  it("webhooks are signed with the newest secret during the overlap", async () => {
    const app = await createApp(db.prisma, {
      name: "webhook signer",
      webhookUrl: "https://example.com/hook",
      secretBox: boxA,
    });
    const rotated = await rotateAppSecret(db.prisma, app.id, { overlapMs: 60_000, box: boxA });
    const batch = await readWebhookBatch(db.prisma, {
      appId: app.id,
      sessionId: "none",
      afterSeq: 0,
      limit: 1,
      box: boxA,
    });
    expect(batch.app?.secret).toBe(rotated.secret);
  });

  it("refuses an overlap out of range and an unknown app", async () => {
    await expect(
      rotateAppSecret(db.prisma, "hiar-no-such-app", { overlapMs: 1_000 }),
    ).rejects.toBeInstanceOf(AppNotFoundError);
    await expect(rotateAppSecret(db.prisma, "x", { overlapMs: -1 })).rejects.toBeInstanceOf(
      RangeError,
    );
    await expect(
      rotateAppSecret(db.prisma, "x", { overlapMs: 31 * 86_400_000 }),
    ).rejects.toBeInstanceOf(RangeError);
  });

  it("with a key, the row never holds a plaintext secret, current or previous", async () => {
    const app = await createApp(db.prisma, { name: "sealed", secretBox: boxA });
    const rotated = await rotateAppSecret(db.prisma, app.id, { overlapMs: 60_000, box: boxA });
    const row = await storedRow(app.id);
    expect(row.row).not.toContain(app.secret);
    expect(row.row).not.toContain(rotated.secret);
    expect(sealedKeyId(row.secret)).toBe(idOf(keyA));
    expect(sealedKeyId(row.previous_secret ?? "")).toBe(idOf(keyA));
    expect(await findAppSecrets(db.prisma, app.id, { box: boxA })).toMatchObject({
      current: rotated.secret,
      previous: { secret: app.secret },
    });
    // Read without the key: a clear error naming the key, not a wrong secret.
    await expect(findAppSecrets(db.prisma, app.id, { box: PLAINTEXT_SECRET_BOX })).rejects.toThrow(
      UnknownSecretKeyError,
    );
    const cache = createAppSecretCache(db.prisma, { box: createSecretBox({ current: keyB }) });
    await expect(cache.lookup(app.id)).rejects.toThrow(idOf(keyA));
  });

  it("reencrypt: encrypts plaintext rows, moves rows to the new key, and is safe to run again", async () => {
    // A database of its own, so other tests' apps do not count.
    const own = await createTestDatabase({ target });
    try {
      const plain = await createApp(own.prisma, { name: "plain", secretBox: PLAINTEXT_SECRET_BOX });
      const rotatedPlain = await rotateAppSecret(own.prisma, plain.id, {
        overlapMs: 60_000,
        box: PLAINTEXT_SECRET_BOX,
      });
      const underA = await createApp(own.prisma, { name: "under A", secretBox: boxA });
      const expired = await createApp(own.prisma, { name: "expired", secretBox: boxA });
      await rotateAppSecret(own.prisma, expired.id, { overlapMs: 60_000, box: boxA });
      await own.prisma.$executeRaw`
        UPDATE "app" SET "previous_secret_expires_at" = now() - interval '1 second'
        WHERE "id" = ${expired.id}`;

      // First key set: plaintext rows get encrypted; rows already under A stay.
      expect(await reencryptAppSecrets(own.prisma, { box: boxA })).toEqual({
        rewritten: 2, // plain (two secrets); expired (its stale previous secret dropped)
        unchanged: 1,
      });
      const rows = await own.prisma.$queryRaw<{ id: string; row: string }[]>`
        SELECT "id", row_to_json(a)::text AS row FROM "app" a ORDER BY "id"`;
      for (const { row } of rows) {
        expect(row).not.toContain(plain.secret);
        expect(row).not.toContain(rotatedPlain.secret);
      }
      expect(await findAppSecrets(own.prisma, plain.id, { box: boxA })).toMatchObject({
        current: rotatedPlain.secret,
        previous: { secret: plain.secret },
      });

      // Key rotation: B is current, A previous; everything moves to B.
      const boxB = createSecretBox({ current: keyB, previous: [keyA] });
      expect(await reencryptAppSecrets(own.prisma, { box: boxB, batchSize: 2 })).toEqual({
        rewritten: 3,
        unchanged: 0,
      });
      expect(await reencryptAppSecrets(own.prisma, { box: boxB })).toEqual({
        rewritten: 0,
        unchanged: 3,
      });
      const onlyB = createSecretBox({ current: keyB });
      expect((await findAppSecrets(own.prisma, underA.id, { box: onlyB }))?.current).toBe(
        underA.secret,
      );
      expect(await findAppSecrets(own.prisma, plain.id, { box: onlyB })).toMatchObject({
        current: rotatedPlain.secret,
        previous: { secret: plain.secret },
      });

      // A box missing the key the rows are under refuses before writing, naming the key.
      await expect(
        reencryptAppSecrets(own.prisma, { box: createSecretBox({ current: keyA }) }),
      ).rejects.toThrow(idOf(keyB));
      // Without a key: stored decrypted again (turning encryption off).
      expect(
        await reencryptAppSecrets(own.prisma, { box: createSecretBox({ previous: [keyB] }) }),
      ).toEqual({ rewritten: 3, unchanged: 0 });
      expect(
        (await findAppSecrets(own.prisma, underA.id, { box: PLAINTEXT_SECRET_BOX }))?.current,
      ).toBe(underA.secret);
    } finally {
      await own.close();
    }
  });
});
