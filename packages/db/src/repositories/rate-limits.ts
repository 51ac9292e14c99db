import { Prisma } from "../generated/prisma/client";
import type { DbExecutor } from "./executor";

// Rate-limit state shared by every server instance (RATE_LIMIT_STORE=postgres): the REST API's
// token buckets (rate_limit_bucket) and the console sign-in throttle's failure counts
// (sign_in_failure). Each check is ONE statement, atomic across instances, timed by the
// database's clock (the instances' clocks never meet). Both tables are unlogged and keyed by the
// caller's key only; rows that mean nothing any more are deleted by purgeRateLimits (the worker's
// maintenance).

/** A token bucket: `burst` tokens, `perSecond` more a second. */
export interface TokenBucketShape {
  readonly perSecond: number;
  readonly burst: number;
}

export type TokenDecision =
  | { readonly allowed: true }
  /** Milliseconds until the bucket holds a token again (> 0). */
  | { readonly allowed: false; readonly retryAfterMs: number };

const TOKEN_TAKEN: TokenDecision = Object.freeze({ allowed: true });

function assertBucket(bucket: TokenBucketShape): void {
  if (!(bucket.perSecond > 0) || !(bucket.burst >= 1) || !Number.isFinite(bucket.perSecond)) {
    throw new RangeError(`token bucket: ${bucket.perSecond}/s, burst ${bucket.burst}`);
  }
}

/**
 * ONE statement: takes a token from `key`'s bucket when it holds one. The bucket is refilled
 * first (`perSecond` × seconds since its last change, at most `burst`); a missing row is a full
 * bucket. A concurrent take waits for the row lock and then sees the winner's row (READ
 * COMMITTED re-evaluates the upsert on it), so N takes from any number of instances get exactly
 * the tokens there are. Statements whose `now()` is older than the row's (they started before a
 * concurrent one committed) add nothing rather than a negative refill. When refused, the same
 * statement reads the bucket to say when the next token comes (Retry-After).
 */
export async function takeRateLimitToken(
  db: DbExecutor,
  key: string,
  bucket: TokenBucketShape,
): Promise<TokenDecision> {
  assertBucket(bucket);
  const rate = Prisma.sql`${bucket.perSecond}::float8`;
  const burst = Prisma.sql`${bucket.burst}::float8`;
  const refilled = (row: string) =>
    Prisma.sql`least(${burst}, ${Prisma.raw(row)}."tokens" + greatest(0, extract(epoch from (now() - ${Prisma.raw(row)}."updated_at"))::float8) * ${rate})`;
  const rows = await db.$queryRaw<{ taken: number; tokens: number | null }[]>`
    WITH taken AS (
      INSERT INTO "rate_limit_bucket" AS b ("key", "tokens", "updated_at", "full_at")
      VALUES (${key}, ${burst} - 1, now(), now() + make_interval(secs => 1 / ${rate}))
      ON CONFLICT ("key") DO UPDATE SET
        "tokens" = ${refilled("b")} - 1,
        "updated_at" = greatest(b."updated_at", now()),
        "full_at" = greatest(b."updated_at", now())
          + make_interval(secs => (${burst} - ${refilled("b")} + 1) / ${rate})
       WHERE ${refilled("b")} >= 1
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM taken)::int AS taken,
           (SELECT ${refilled("r")} FROM "rate_limit_bucket" r WHERE r."key" = ${key}) AS tokens`;
  const row = rows[0];
  if (row !== undefined && row.taken > 0) return TOKEN_TAKEN;
  // The read sees the bucket as of the statement's start. When that showed a token (or no row),
  // concurrent takes emptied it since: it holds less than one now, due within 1 / perSecond.
  const tokens = row?.tokens ?? null;
  const missing = tokens === null || tokens >= 1 ? 1 : 1 - tokens;
  return { allowed: false, retryAfterMs: Math.max(1, (missing / bucket.perSecond) * 1000) };
}

/** A failure counter: at most `limit` failures within `windowMs` from the first. */
export interface FailureWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * ONE statement: counts a failure for `key` unless it has used up its `limit` in the current
 * window (which starts with the first failure and lasts `windowMs`). Returns 0 when counted,
 * else the milliseconds until the window ends. Atomic across instances like takeRateLimitToken.
 */
export async function takeSignInFailure(
  db: DbExecutor,
  key: string,
  window: FailureWindow,
): Promise<number> {
  const windowSecs = Prisma.sql`make_interval(secs => ${window.windowMs / 1000}::float8)`;
  const rows = await db.$queryRaw<{ taken: number; wait_ms: number | null }[]>`
    WITH taken AS (
      INSERT INTO "sign_in_failure" AS f ("key", "count", "reset_at")
      VALUES (${key}, 1, now() + ${windowSecs})
      ON CONFLICT ("key") DO UPDATE SET
        "count" = CASE WHEN f."reset_at" <= now() THEN 1 ELSE f."count" + 1 END,
        "reset_at" = CASE WHEN f."reset_at" <= now() THEN now() + ${windowSecs} ELSE f."reset_at" END
       WHERE f."reset_at" <= now() OR f."count" < ${window.limit}::int
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM taken)::int AS taken,
           (SELECT extract(epoch from (r."reset_at" - now()))::float8 * 1000
              FROM "sign_in_failure" r WHERE r."key" = ${key}) AS wait_ms`;
  const row = rows[0];
  if (row !== undefined && row.taken > 0) return 0;
  // No row as of the statement's start: a concurrent attempt began the window just now. A
  // window begun by a statement that started after ours ends more than windowMs after our
  // now(), but never more than windowMs from the present: clamp.
  return Math.min(window.windowMs, Math.max(1, row?.wait_ms ?? window.windowMs));
}

/** ONE statement: milliseconds until `key` may fail again when it has used up its limit, else 0. */
export async function signInFailureBlockedFor(
  db: DbExecutor,
  key: string,
  limit: number,
): Promise<number> {
  const rows = await db.$queryRaw<{ wait_ms: number }[]>`
    SELECT extract(epoch from ("reset_at" - now()))::float8 * 1000 AS wait_ms
      FROM "sign_in_failure"
     WHERE "key" = ${key} AND "count" >= ${limit}::int AND "reset_at" > now()`;
  return Math.max(0, rows[0]?.wait_ms ?? 0);
}

/**
 * ONE statement: gives back a failure counted for an attempt that turned out not to be one. The
 * window keeps its start (a count of 0 is no failure; the purge deletes the row later).
 */
export async function refundSignInFailure(db: DbExecutor, key: string): Promise<void> {
  await db.$executeRaw`
    UPDATE "sign_in_failure" SET "count" = "count" - 1
     WHERE "key" = ${key} AND "count" > 0 AND "reset_at" > now()`;
}

/** ONE statement: forgets `key`'s failures (a successful sign-in). */
export async function clearSignInFailures(db: DbExecutor, key: string): Promise<void> {
  await db.$executeRaw`DELETE FROM "sign_in_failure" WHERE "key" = ${key}`;
}

/**
 * Deletes the rows that mean nothing any more: buckets full again (a missing row is a full
 * bucket) and failure windows that have ended. The tables are small (apps busy within a burst's
 * refill, failures within a window) and unindexed beyond their keys, so updates stay HOT; the
 * purge scans them.
 */
export async function purgeRateLimits(
  db: DbExecutor,
): Promise<{ buckets: number; signInFailures: number }> {
  const buckets = await db.$executeRaw`DELETE FROM "rate_limit_bucket" WHERE "full_at" <= now()`;
  const signInFailures = await db.$executeRaw`
    DELETE FROM "sign_in_failure" WHERE "reset_at" <= now()`;
  return { buckets, signInFailures };
}
