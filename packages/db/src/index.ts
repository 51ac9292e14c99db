/**
 * @collab/db — the only package that knows SQL or Prisma.
 *
 * Runtime API: the client factory (PostgreSQL or embedded PGlite), the migration runner, helpers,
 * and the generated Prisma client's types and enums. Migration authoring tools live in
 * ./schema-engine (development only) and are deliberately not exported here.
 */
export { type CreateAppInput, type CreatedApp, createApp, InvalidAppInputError } from "./apps";
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
} from "./event-signal";

import type { PrismaClient } from "./generated/prisma/client";

export {
  APP_SECRET_CACHE_DEFAULTS,
  type AppSecretCache,
  type AppSecretCacheOptions,
  createAppSecretCache,
} from "./app-secret-cache";
export * from "./generated/prisma/client";
export { newAppId, newId, newSecret } from "./ids";
export {
  checksumMatches,
  type LedgerRow,
  MIGRATIONS_TABLE,
  type MigrateOptions,
  type MigrateResult,
  MigrationError,
  type MigrationErrorCode,
  type MigrationFile,
  migrate,
  PRISMA_MIGRATE_LOCK_ID,
  readLedger,
  readMigrations,
} from "./migrate";
export { consumeNonce, findAppSecret, type NonceUse, purgeExpiredNonces } from "./nonces";
export { type PingResult, ping } from "./ping";
export * from "./repositories/apps";
export * from "./repositories/backlog";
export * from "./repositories/call-timeouts";
export * from "./repositories/collaboration-list";
export * from "./repositories/collaborations";
export * from "./repositories/console-sessions";
export * from "./repositories/event-tail";
export * from "./repositories/events";
export * from "./repositories/executor";
export * from "./repositories/invites";
export * from "./repositories/lifecycle";
export * from "./repositories/members";
export * from "./repositories/periodic-tasks";
export * from "./repositories/session-detail";
export * from "./repositories/session-events";
export * from "./repositories/sessions";
export * from "./repositories/user-calls";
export * from "./repositories/webhooks";
export { assertSeedAllowed, DEMO, SeedRefusedError, seedDemo } from "./seed";
export { createStatementLog, type StatementLog, type StatementLogOptions } from "./statement-log";
export {
  type CreateTestDatabaseOptions,
  createTestDatabase,
  type PostgresCluster,
  type PostgresStopMode,
  type StartPostgresClusterOptions,
  startPostgresCluster,
  type TestDatabase,
  type TestDatabaseTarget,
  testDatabaseTargets,
} from "./testing";
export { isDatabaseUnavailableError } from "./unavailable";
export {
  ALLOW_PRIVATE_NETWORKS_ENV,
  ALLOW_PRIVATE_NETWORKS_HINT,
  ipAddressRange,
  nonPublicAddressReason,
  normaliseWebhookUrl,
  privateWebhookHostReason,
} from "./webhook-url";

/** The Prisma client every domain function and adapter receives. */
export type Database = PrismaClient;
