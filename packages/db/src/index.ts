/**
 * @collab/db — the only package that knows SQL or Prisma.
 *
 * The runtime API: the client factory (PostgreSQL or embedded PGlite), the repositories (one
 * module per table, the SQL of the domain's use cases), the generated Prisma client's types and
 * enums, and the few helpers the server needs around them. Test helpers are
 * `@collab/db/testing`, the migration runner's internals `@collab/db/migrate`; migration
 * authoring tools (./schema-engine) are development only and exported nowhere.
 */
import type { PrismaClient } from "./generated/prisma/client";

export {
  APP_SECRET_CACHE_DEFAULTS,
  type AppSecretCache,
  type AppSecretCacheOptions,
  createAppSecretCache,
} from "./app-secret-cache";
export {
  type CreateDbOptions,
  closeDb,
  createDb,
  type Db,
  type DbKind,
  getDb,
  type PoolStats,
  redactUrl,
} from "./client";
export {
  registerSessionEventSignal,
  SESSION_EVENT_CHANNEL,
  type SessionEventSignal,
  sessionEventSignalFor,
  tailReaderFor,
} from "./event-signal";
export * from "./generated/prisma/client";
export { newAppId, newId, newSecret } from "./ids";
export { type PingResult, ping } from "./ping";
export * from "./repositories/app-usage";
export * from "./repositories/apps";
export * from "./repositories/backlog";
export * from "./repositories/call-history";
export * from "./repositories/cancel-rings";
export * from "./repositories/collaborations";
export * from "./repositories/console-sessions";
export * from "./repositories/event-tail";
export * from "./repositories/events";
export type { DbExecutor } from "./repositories/executor";
export * from "./repositories/members";
export * from "./repositories/nonces";
export * from "./repositories/periodic-tasks";
export * from "./repositories/rate-limits";
export * from "./repositories/sessions";
export * from "./repositories/user-calls";
export * from "./repositories/webhooks";
export {
  appSecretBox,
  CorruptSecretError,
  createSecretBox,
  isSealed,
  PLAINTEXT_SECRET_BOX,
  type SecretBox,
  type SecretBoxKeys,
  sealedKeyId,
  secretKeyId,
  UnknownSecretKeyError,
  useAppSecretKeys,
} from "./secret-box";
export { assertSeedAllowed, DEMO, SeedRefusedError, seedDemo } from "./seed";
export { isDatabaseUnavailableError } from "./unavailable";

/** The Prisma client every domain function and adapter receives. */
export type Database = PrismaClient;
