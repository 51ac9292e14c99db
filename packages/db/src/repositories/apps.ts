import { InvalidWebhookUrlError, normaliseWebhookUrl } from "@collab/contracts/webhook-url";
import type { App, PrismaClient } from "../generated/prisma/client";
import { newAppId, newSecret } from "../ids";
import { appSecretBox, type SecretBox } from "../secret-box";
import type { DbExecutor } from "./executor";

/** What the console's sign-in checks: the app and the secrets it accepts (never log or return them). */
export interface AppCredentialsRow {
  readonly id: string;
  readonly name: string;
  readonly secrets: AppSecrets;
}

/**
 * ONE statement: the app with this APPID and the secrets it accepts (decrypted), or null when
 * there is none or it is disabled (a disabled app is, to everyone but the operator's CLI, an app
 * that does not exist).
 */
export async function findAppCredentials(
  db: DbExecutor,
  appId: string,
  options: AppSecretReadOptions = {},
): Promise<AppCredentialsRow | null> {
  const rows = await db.$queryRaw<(StoredAppSecrets & { id: string; name: string })[]>`
    SELECT "id" AS id, "name" AS name, "secret" AS secret, "previous_secret" AS "previousSecret",
           "previous_secret_expires_at" AS "previousSecretExpiresAt"
    FROM "app" WHERE "id" = ${appId} AND "disabled_at" IS NULL`;
  const row = rows[0];
  return row ? { id: row.id, name: row.name, secrets: openAppSecrets(row.id, row, options) } : null;
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
 * The secrets an app accepts: the current one (new signatures, webhooks, user tokens) and, during
 * a rotation's overlap, the previous one with the moment it stops being accepted.
 */
export interface AppSecrets {
  readonly current: string;
  readonly previous: { readonly secret: string; readonly expiresAt: Date } | null;
}

/** The secrets to check a signature against, newest first: the current one, then the previous. */
export function acceptedSecrets(secrets: AppSecrets, now: number = Date.now()): string[] {
  return secrets.previous && secrets.previous.expiresAt.getTime() > now
    ? [secrets.current, secrets.previous.secret]
    : [secrets.current];
}

export interface AppSecretReadOptions {
  /** How stored secrets are decrypted; default the deployment's (appSecretBox()). */
  readonly box?: SecretBox;
  /** The clock a previous secret's expiry is checked on, in ms; default Date.now(). */
  readonly now?: number;
}

interface StoredAppSecrets {
  readonly secret: string;
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: Date | null;
}

function openAppSecrets(
  appId: string,
  row: StoredAppSecrets,
  options: AppSecretReadOptions,
): AppSecrets {
  const box = options.box ?? appSecretBox();
  const now = options.now ?? Date.now();
  const expiresAt = row.previousSecretExpiresAt;
  // An expired previous secret is neither decrypted nor returned: it is as good as gone.
  const previous =
    row.previousSecret !== null && expiresAt !== null && expiresAt.getTime() > now
      ? { secret: box.open(appId, row.previousSecret), expiresAt }
      : null;
  return { current: box.open(appId, row.secret), previous };
}

/**
 * THE lookup of an app's secrets for anything that verifies what an app signed (REST signatures;
 * tokens signed with the app secret should use it too): the current secret and the previous one
 * while its overlap lasts, decrypted, or null for an unknown or disabled app id (the verifier
 * hides which).
 * ONE statement, a primary-key lookup (Prisma's findUnique: measured as cheap in Node CPU as the
 * same SELECT through $queryRaw). Request authentication reads it through createAppSecretCache
 * (../app-secret-cache.ts). Throws UnknownSecretKeyError / CorruptSecretError (../secret-box.ts)
 * when a stored secret cannot be decrypted.
 */
export async function findAppSecrets(
  db: PrismaClient,
  appId: string,
  options: AppSecretReadOptions = {},
): Promise<AppSecrets | null> {
  const app = await db.app.findUnique({
    where: { id: appId, disabledAt: null },
    select: { secret: true, previousSecret: true, previousSecretExpiresAt: true },
  });
  return app ? openAppSecrets(appId, app, options) : null;
}

/** The app's current secret (decrypted), or null for an unknown or disabled app id. */
export async function findAppSecret(
  db: PrismaClient,
  appId: string,
  options: AppSecretReadOptions = {},
): Promise<string | null> {
  return (await findAppSecrets(db, appId, options))?.current ?? null;
}

export interface CreateAppInput {
  name: string;
  webhookUrl?: string | null;
  /** Accept a webhook URL on a private network (WEBHOOK_ALLOW_PRIVATE_NETWORKS; default false). */
  allowPrivateNetworks?: boolean;
  /** How the secret is stored; default the deployment's (appSecretBox()). */
  secretBox?: SecretBox;
}

/** An app as created, with its secret in plaintext: show it to the operator once, then drop it. */
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
  const box = input.secretBox ?? appSecretBox();
  const id = newAppId();
  const secret = newSecret();
  const app = await prisma.app.create({
    data: { id, name, secret: box.seal(id, secret), webhookUrl },
  });
  return { ...app, secret };
}

export class AppNotFoundError extends Error {
  override readonly name = "AppNotFoundError";
  constructor(readonly appId: string) {
    super(`There is no app ${appId}.`);
  }
}

export interface RotateAppSecretOptions {
  /** How long the secret being replaced stays valid, in ms (0: it stops at once). */
  readonly overlapMs: number;
  /** How the new secret is stored; default the deployment's (appSecretBox()). */
  readonly box?: SecretBox;
}

export interface RotatedAppSecret {
  readonly appId: string;
  /** The new secret, in plaintext: show it once, then drop it. */
  readonly secret: string;
  /** Until when the previous secret is still accepted; null when it stopped at once. */
  readonly previousExpiresAt: Date | null;
}

/** The longest overlap a rotation may keep the previous secret for (30 days). */
export const MAX_ROTATION_OVERLAP_MS = 30 * 86_400_000;

/**
 * Issues a new secret for the app; the current one becomes the previous one, accepted until
 * `overlapMs` from now (the database's clock), replacing any earlier previous secret, which stops
 * at once. The previous secret is moved as stored (still encrypted, under whichever key). ONE
 * statement. Servers notice within their secret cache's TTL (a few seconds); webhooks are signed
 * with the new secret from the next delivery.
 */
export async function rotateAppSecret(
  db: DbExecutor,
  appId: string,
  options: RotateAppSecretOptions,
): Promise<RotatedAppSecret> {
  const { overlapMs } = options;
  if (
    !(Number.isSafeInteger(overlapMs) && overlapMs >= 0 && overlapMs <= MAX_ROTATION_OVERLAP_MS)
  ) {
    throw new RangeError(`The overlap must be 0 to 30 days in ms, got ${overlapMs}.`);
  }
  const box = options.box ?? appSecretBox();
  const secret = newSecret();
  const rows = await db.$queryRaw<{ previousSecretExpiresAt: Date | null }[]>`
    UPDATE "app" SET
      "previous_secret" = CASE WHEN ${overlapMs}::bigint > 0 THEN "secret" END,
      "previous_secret_expires_at" =
        CASE WHEN ${overlapMs}::bigint > 0
          THEN now() + make_interval(secs => ${overlapMs}::bigint / 1000.0) END,
      "secret" = ${box.seal(appId, secret)}
    WHERE "id" = ${appId}
    RETURNING "previous_secret_expires_at" AS "previousSecretExpiresAt"`;
  const row = rows[0];
  if (!row) throw new AppNotFoundError(appId);
  return { appId, secret, previousExpiresAt: row.previousSecretExpiresAt };
}

export interface ReencryptResult {
  /** Apps whose stored secrets were rewritten under the current key (or decrypted, without one). */
  readonly rewritten: number;
  /** Apps whose secrets were already stored as the current key would store them. */
  readonly unchanged: number;
}

/**
 * Rewrites every app's stored secrets (current and previous) with `box`'s current key: encrypts
 * plaintext ones when a key is first set, moves ones under an earlier key (in
 * APP_SECRET_ENCRYPTION_PREVIOUS_KEYS) to the current one, and, with no key, stores them
 * decrypted again. Each app is one compare-and-set UPDATE: a secret rotated meanwhile is left as
 * the rotation wrote it. Throws UnknownSecretKeyError (naming the key id) before writing an app
 * whose secret is under a key the box does not have. Safe to run again.
 */
export async function reencryptAppSecrets(
  db: PrismaClient,
  options: { readonly box?: SecretBox; readonly batchSize?: number } = {},
): Promise<ReencryptResult> {
  const box = options.box ?? appSecretBox();
  const batchSize = options.batchSize ?? 500;
  let rewritten = 0;
  let unchanged = 0;
  let after = "";
  for (;;) {
    const apps = await db.app.findMany({
      where: { id: { gt: after } },
      orderBy: { id: "asc" },
      take: batchSize,
      select: { id: true, secret: true, previousSecret: true, previousSecretExpiresAt: true },
    });
    if (apps.length === 0) break;
    const now = Date.now();
    for (const app of apps) {
      // An expired previous secret is dropped rather than carried over to the new key.
      const previous =
        app.previousSecret !== null && (app.previousSecretExpiresAt?.getTime() ?? 0) > now
          ? app.previousSecret
          : null;
      const previousCurrent =
        previous === app.previousSecret && (previous === null || box.isCurrent(previous));
      if (box.isCurrent(app.secret) && previousCurrent) {
        unchanged += 1;
        continue;
      }
      const reseal = (stored: string) => box.seal(app.id, box.open(app.id, stored));
      const { count } = await db.app.updateMany({
        where: { id: app.id, secret: app.secret, previousSecret: app.previousSecret },
        data: {
          secret: reseal(app.secret),
          previousSecret: previous === null ? null : reseal(previous),
          ...(previous === null ? { previousSecretExpiresAt: null } : {}),
        },
      });
      if (count === 1) rewritten += 1;
      else unchanged += 1;
    }
    after = apps[apps.length - 1]?.id ?? after;
  }
  return { rewritten, unchanged };
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
