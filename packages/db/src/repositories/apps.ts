import type { DbExecutor } from "./executor";

/** What the console's sign-in checks: the app and its secret (never log or return the secret). */
export interface AppCredentialsRow {
  readonly id: string;
  readonly name: string;
  readonly secret: string;
}

/** ONE statement: the app with this APPID and its secret, or null when there is none. */
export async function findAppCredentials(
  db: DbExecutor,
  appId: string,
): Promise<AppCredentialsRow | null> {
  const rows = await db.$queryRaw<AppCredentialsRow[]>`
    SELECT "id" AS id, "name" AS name, "secret" AS secret FROM "app" WHERE "id" = ${appId}`;
  return rows[0] ?? null;
}

/** ONE statement: the app's id and name (no secret), or null when there is none. */
export async function findAppSummary(
  db: DbExecutor,
  appId: string,
): Promise<{ readonly id: string; readonly name: string } | null> {
  const rows = await db.$queryRaw<{ id: string; name: string }[]>`
    SELECT "id" AS id, "name" AS name FROM "app" WHERE "id" = ${appId}`;
  return rows[0] ?? null;
}
