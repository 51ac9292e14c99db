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

/**
 * The app's signing secret, or null for an unknown app id (the verifier hides which). ONE
 * statement, a primary-key lookup (Prisma's findUnique: measured as cheap in Node CPU as the
 * same SELECT through $queryRaw). Request authentication reads it through createAppSecretCache
 * (../app-secret-cache.ts).
 */
export async function findAppSecret(db: PrismaClient, appId: string): Promise<string | null> {
  const app = await db.app.findUnique({ where: { id: appId }, select: { secret: true } });
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
