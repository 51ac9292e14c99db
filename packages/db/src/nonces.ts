import type { PrismaClient } from "./generated/prisma/client";

/**
 * The app's signing secret, or null for an unknown app id (the verifier hides which). ONE
 * statement, a primary-key lookup (Prisma's findUnique: measured as cheap in Node CPU as the
 * same SELECT through $queryRaw). Request authentication reads it through createAppSecretCache
 * (app-secret-cache.ts).
 */
export async function findAppSecret(db: PrismaClient, appId: string): Promise<string | null> {
  const app = await db.app.findUnique({ where: { id: appId }, select: { secret: true } });
  return app?.secret ?? null;
}

export interface NonceUse {
  readonly appId: string;
  readonly nonce: string;
  /** Until when a replay would still pass the date window. */
  readonly expiresAt: Date;
}

/**
 * Records a nonce as used; false when it was already used and has not expired. One statement,
 * so two concurrent requests with one nonce cannot both succeed: the primary key (app_id, nonce)
 * lets only one insert through, and an expired row is taken over in the same statement.
 */
export async function consumeNonce(db: PrismaClient, use: NonceUse): Promise<boolean> {
  const rows = await db.$queryRaw<{ ok: number }[]>`
    INSERT INTO "nonce" ("app_id", "nonce", "expires_at")
    VALUES (${use.appId}, ${use.nonce}, ${use.expiresAt})
    ON CONFLICT ("app_id", "nonce") DO UPDATE SET "expires_at" = EXCLUDED."expires_at"
      WHERE "nonce"."expires_at" < now()
    RETURNING 1 AS ok`;
  return rows.length === 1;
}

/** Deletes expired nonces; returns how many. Safe to run from any instance at any time. */
export async function purgeExpiredNonces(db: PrismaClient, now = new Date()): Promise<number> {
  const { count } = await db.nonce.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
