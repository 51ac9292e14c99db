import type { PrismaClient } from "../generated/prisma/client";

export interface NonceUse {
  readonly appId: string;
  readonly nonce: string;
  /** Until when a replay would still pass the date window. */
  readonly expiresAt: Date;
}

/**
 * The app no longer exists: deleted after a server cached its secret, so its request passed the
 * signature check. Its requests are an unknown APPID's (UNAUTHENTICATED).
 */
export class UnknownAppError extends Error {
  override readonly name = "UnknownAppError";

  constructor(readonly appId: string) {
    super(`app ${appId} does not exist`);
  }
}

/** PostgreSQL's foreign_key_violation (23503), through Prisma's adapter or pg directly. */
function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, meta } = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  };
  return code === "23503" || meta?.driverAdapterError?.cause?.originalCode === "23503";
}

/**
 * Records a nonce as used; false when it was already used and has not expired. One statement,
 * so two concurrent requests with one nonce cannot both succeed: the primary key (app_id, nonce)
 * lets only one insert through, and an expired row is taken over in the same statement. Throws
 * UnknownAppError when the app does not exist (any more).
 */
export async function consumeNonce(db: PrismaClient, use: NonceUse): Promise<boolean> {
  try {
    const rows = await db.$queryRaw<{ ok: number }[]>`
      INSERT INTO "nonce" ("app_id", "nonce", "expires_at")
      VALUES (${use.appId}, ${use.nonce}, ${use.expiresAt})
      ON CONFLICT ("app_id", "nonce") DO UPDATE SET "expires_at" = EXCLUDED."expires_at"
        WHERE "nonce"."expires_at" < now()
      RETURNING 1 AS ok`;
    return rows.length === 1;
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new UnknownAppError(use.appId);
    throw error;
  }
}

/** Deletes expired nonces; returns how many. Safe to run from any instance at any time. */
export async function purgeExpiredNonces(db: PrismaClient, now = new Date()): Promise<number> {
  const { count } = await db.nonce.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
