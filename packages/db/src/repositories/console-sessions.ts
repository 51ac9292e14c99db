import { randomBytes } from "node:crypto";
import type { DbExecutor } from "./executor";

// The operator console's server-side sessions (table console_session). The session cookie
// carries the id, HMAC-signed by the console (packages/api); these statements create, look up,
// revoke and purge the rows. Every time is the database's clock (now()), so instances whose
// clocks differ still agree on whether a session is live.

/** A new console session id: 256 random bits, base64url (43 characters). */
export function newConsoleSessionId(): string {
  return randomBytes(32).toString("base64url");
}

export interface ConsoleSessionRow {
  readonly id: string;
  readonly appId: string;
  readonly expiresAt: Date;
}

/** ONE statement: a new live session of `appId`, lasting `maxAgeSeconds` from now. */
export async function createConsoleSession(
  db: DbExecutor,
  input: { readonly appId: string; readonly maxAgeSeconds: number },
): Promise<ConsoleSessionRow> {
  const id = newConsoleSessionId();
  const rows = await db.$queryRaw<ConsoleSessionRow[]>`
    INSERT INTO "console_session" ("id", "app_id", "expires_at")
    VALUES (${id}, ${input.appId}, now() + make_interval(secs => ${input.maxAgeSeconds}::float8))
    RETURNING "id" AS id, "app_id" AS "appId", "expires_at" AS "expiresAt"`;
  const row = rows[0];
  if (row === undefined) throw new Error("createConsoleSession: the insert returned no row");
  return row;
}

/**
 * ONE statement (a primary-key lookup): the app of the session `id` while it is live (neither
 * revoked nor expired), else null. The console runs it on every call that carries a session
 * cookie.
 */
export async function findLiveConsoleSession(
  db: DbExecutor,
  id: string,
): Promise<{ readonly appId: string } | null> {
  const rows = await db.$queryRaw<{ appId: string }[]>`
    SELECT "app_id" AS "appId" FROM "console_session"
    WHERE "id" = ${id} AND "revoked_at" IS NULL AND "expires_at" > now()`;
  return rows[0] ?? null;
}

/**
 * ONE statement: revokes the session `id` of `appId` (sign-out); false when it was not live.
 * A revoked row also expires now, so purgeConsoleSessions removes it with the expired ones.
 */
export async function revokeConsoleSession(
  db: DbExecutor,
  input: { readonly id: string; readonly appId: string },
): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "console_session"
    SET "revoked_at" = now(), "expires_at" = LEAST("expires_at", now())
    WHERE "id" = ${input.id} AND "app_id" = ${input.appId}
      AND "revoked_at" IS NULL AND "expires_at" > now()`;
  return count > 0;
}

/** ONE statement: revokes every live session of `appId` ("sign out everywhere"); how many. */
export async function revokeAppConsoleSessions(db: DbExecutor, appId: string): Promise<number> {
  return db.$executeRaw`
    UPDATE "console_session"
    SET "revoked_at" = now(), "expires_at" = LEAST("expires_at", now())
    WHERE "app_id" = ${appId} AND "revoked_at" IS NULL AND "expires_at" > now()`;
}

/**
 * ONE statement: deletes expired and revoked sessions (revocation expires a row too); returns
 * how many. Safe to run from any instance at any time (the maintenance task's job).
 */
export async function purgeConsoleSessions(db: DbExecutor): Promise<number> {
  return db.$executeRaw`DELETE FROM "console_session" WHERE "expires_at" <= now()`;
}
