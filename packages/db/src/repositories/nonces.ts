import type { PrismaClient } from "../generated/prisma/client";

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
