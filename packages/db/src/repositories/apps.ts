import { InvalidWebhookUrlError, normaliseWebhookUrl } from "@collab/contracts/webhook-url";
import type { App, PrismaClient } from "../generated/prisma/client";
import { newAppId, newSecret } from "../ids";
import type { DbExecutor } from "./executor";

/** What the console's sign-in checks: the app and its secret (never log or return the secret). */
export interface AppCredentialsRow {
  readonly id: string;
  readonly name: string;
  readonly secret: string;
}

/**
 * ONE statement: the app with this APPID and its secret, or null when there is none or it is
 * disabled (a disabled app is, to everyone but the operator's CLI, an app that does not exist).
 */
export async function findAppCredentials(
  db: DbExecutor,
  appId: string,
): Promise<AppCredentialsRow | null> {
  const rows = await db.$queryRaw<AppCredentialsRow[]>`
    SELECT "id" AS id, "name" AS name, "secret" AS secret FROM "app"
    WHERE "id" = ${appId} AND "disabled_at" IS NULL`;
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

/**
 * The app's signing secret, or null for an unknown or disabled app (the verifier hides which). ONE
 * statement, a primary-key lookup (Prisma's findUnique: measured as cheap in Node CPU as the
 * same SELECT through $queryRaw). Request authentication reads it through createAppSecretCache
 * (../app-secret-cache.ts).
 */
export async function findAppSecret(db: PrismaClient, appId: string): Promise<string | null> {
  const app = await db.app.findUnique({
    where: { id: appId, disabledAt: null },
    select: { secret: true },
  });
  return app?.secret ?? null;
}

export interface CreateAppInput {
  name: string;
  webhookUrl?: string | null;
  /** Accept a webhook URL on a private network (WEBHOOK_ALLOW_PRIVATE_NETWORKS; default false). */
  allowPrivateNetworks?: boolean;
}

/** An app as created, with its secret: show the secret to the operator once, then drop it. */
export type CreatedApp = App;

export class InvalidAppInputError extends Error {
  override readonly name = "InvalidAppInputError";
}

export function normaliseAppInput(input: CreateAppInput): {
  name: string;
  webhookUrl: string | null;
} {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) {
    throw new InvalidAppInputError("The app name must be 1 to 200 characters.");
  }
  // The same rules as setting it later (pnpm app:webhook, the console): one place decides.
  try {
    const webhookUrl = normaliseWebhookUrl(input.webhookUrl, {
      allowPrivateNetworks: input.allowPrivateNetworks === true,
    });
    return { name, webhookUrl };
  } catch (error) {
    if (error instanceof InvalidWebhookUrlError) throw new InvalidAppInputError(error.message);
    throw error;
  }
}

/** Registers a tenant with a fresh APPID and secret. */
export async function createApp(prisma: PrismaClient, input: CreateAppInput): Promise<CreatedApp> {
  const { name, webhookUrl } = normaliseAppInput(input);
  return prisma.app.create({ data: { id: newAppId(), name, secret: newSecret(), webhookUrl } });
}

/**
 * ONE statement: disables the app (its requests, console sign-ins and user tokens are refused
 * within the secret cache's lifetime) or enables it again. False when there is no such app.
 */
export async function setAppDisabled(
  db: DbExecutor,
  appId: string,
  disabled: boolean,
): Promise<boolean> {
  const changed = await db.$executeRaw`
    UPDATE "app" SET "disabled_at" = CASE WHEN ${disabled} THEN coalesce("disabled_at", now())
                                          ELSE NULL END
    WHERE "id" = ${appId}`;
  return changed > 0;
}

/** Apps as the operator's CLI lists them (no secrets). */
export interface AppAdminRow {
  readonly id: string;
  readonly name: string;
  readonly disabledAt: Date | null;
  readonly createdAt: Date;
}

/** ONE statement: the app as the operator sees it, disabled or not; null when there is none. */
export async function findAppForOperator(
  db: DbExecutor,
  appId: string,
): Promise<AppAdminRow | null> {
  const rows = await db.$queryRaw<AppAdminRow[]>`
    SELECT "id" AS id, "name" AS name, "disabled_at" AS "disabledAt", "created_at" AS "createdAt"
    FROM "app" WHERE "id" = ${appId}`;
  return rows[0] ?? null;
}

/**
 * ONE statement: deletes the app and, by cascade, everything it owns — collaborations, sessions,
 * members, events, webhook streams and attempts, nonces, console sessions, usage. False when
 * there is no such app.
 */
export async function deleteApp(db: DbExecutor, appId: string): Promise<boolean> {
  const deleted = await db.$executeRaw`DELETE FROM "app" WHERE "id" = ${appId}`;
  return deleted > 0;
}
