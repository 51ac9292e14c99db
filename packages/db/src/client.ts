import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { registerSessionEventSignal } from "./event-signal";
import { PrismaClient } from "./generated/prisma/client";
import { migrate as runMigrations } from "./migrate";
import { defaultPgliteDataDir } from "./paths";
import { type PgliteImage, startEmbeddedPostgres } from "./pglite";
import { processSlot } from "./process-singleton";
import { type SecretBoxKeys, useAppSecretKeys } from "./secret-box";

export type DbKind = "postgres" | "pglite";

export interface Db {
  readonly prisma: PrismaClient;
  readonly kind: DbKind;
  /**
   * The connection string in use: DATABASE_URL (may hold a password: log it with redactUrl()),
   * or the embedded server's loopback address.
   */
  readonly url: string;
  /** The connection pool's state now (for metrics). */
  poolStats(): PoolStats;
  /** Disconnects Prisma and, for PGlite, stops the embedded server. Idempotent. */
  close(): Promise<void>;
}

/** A connection pool's state, as pg reports it. */
export interface PoolStats {
  /** Connections open, busy or idle. */
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection. */
  readonly waiting: number;
  /** The pool's size limit. */
  readonly max: number;
}

export interface CreateDbOptions {
  /**
   * PostgreSQL connection string (a deployment's DATABASE_URL, from @collab/settings). Unset or
   * empty: the embedded PGlite database.
   */
  databaseUrl?: string;
  /** Embedded database in memory (tests). Ignores `databaseUrl`. */
  inMemory?: boolean;
  /**
   * In memory, or in a `dataDir` that holds no database yet: the image it starts from instead of
   * running initdb (tests; see PgliteImage).
   */
  pgliteImage?: PgliteImage;
  /** Embedded database directory (PGLITE_DATA_DIR). Default: `<repo root>/.data/pglite`. */
  dataDir?: string;
  /** Apply pending migrations before returning. Default: true for PGlite, false for PostgreSQL. */
  migrate?: boolean;
  /** pg pool size for PostgreSQL (default 10). PGlite always uses 1: it is a single session. */
  poolMax?: number;
  /**
   * PostgreSQL: longest wait for a connection, new or pooled (default 5 s); then the statement
   * fails as "unavailable" (isDatabaseUnavailableError), which adapters answer with 503.
   */
  connectTimeoutMs?: number;
  /**
   * PostgreSQL: longest wait for a statement's answer (default 20 s), so that a server that hangs
   * (rather than refusing connections) fails requests as unavailable instead of holding them.
   * Longer than any lock wait or transaction of ours (TRANSACTION_OPTIONS: 15 s). Not for PGlite,
   * where statements queue in-process behind one session and a wait means load, not an outage.
   */
  queryTimeoutMs?: number;
  /**
   * PostgreSQL: a pooled connection older than this is closed when next idle and replaced
   * (default 60 s; 0: never). PostgreSQL keeps each prepared statement's plan-cache statistics for
   * the connection's life, and on a growing table they go stale: a long-lived connection can end
   * up planning a statement on every execution (README, "Which database").
   */
  connectionLifetimeSeconds?: number;
  /** Receives migration progress lines. */
  log?: (line: string) => void;
  /**
   * The keys app secrets are stored under (APP_SECRET_ENCRYPTION_KEY, …_PREVIOUS_KEYS): when
   * given, they become this process's (appSecretBox(), src/secret-box.ts), which every reader and
   * writer of app secrets uses unless handed a box. Unset: the process's keys stay as they are
   * (none, unless an earlier createDb set them).
   */
  appSecretKeys?: SecretBoxKeys;
}

/** Distinct SQL texts a client prepares; past this, statements go unnamed (bounded memory). */
const MAX_PREPARED_STATEMENTS = 500;

/**
 * Names each distinct SQL text, so pg prepares it once per connection and PostgreSQL stops
 * parsing and planning it on every execution (apps/bench measured about 1 ms less database CPU
 * per invite). "" is the protocol's unnamed statement. Not for PGlite: its connections share one
 * session, where names would collide.
 */
function statementNames(): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined) {
      if (names.size >= MAX_PREPARED_STATEMENTS) return "";
      name = `collab_${names.size}`;
      names.set(sql, name);
    }
    return name;
  };
}

/** Defaults of CreateDbOptions' PostgreSQL timeouts (DATABASE_*_TIMEOUT_SECONDS). */
export const DATABASE_TIMEOUT_DEFAULTS = Object.freeze({ connectMs: 5_000, queryMs: 20_000 });

/** Default of CreateDbOptions.connectionLifetimeSeconds (DATABASE_CONNECTION_LIFETIME_SECONDS). */
export const DATABASE_CONNECTION_LIFETIME_DEFAULT_SECONDS = 60;

/** How a PostgreSQL pool's connections are opened, waited for and retired. */
interface PostgresConnectionOptions {
  readonly connectMs: number;
  readonly queryMs: number;
  readonly lifetimeSeconds: number;
}

function newPrisma(
  connectionString: string,
  max: number,
  prepare: boolean,
  connection?: PostgresConnectionOptions,
): { prisma: PrismaClient; poolStats: () => PoolStats } {
  // The pool is ours (the adapter ends it on disconnect) so that its state can be read.
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: "collab",
    ...(connection === undefined
      ? {}
      : {
          connectionTimeoutMillis: connection.connectMs,
          query_timeout: connection.queryMs,
          // Retired when idle past its lifetime (busy ones when released): plan caches stay fresh.
          maxLifetimeSeconds: connection.lifetimeSeconds,
          // A peer that vanished without closing (a dead host, a dropped route) is noticed.
          keepAlive: true,
          keepAliveInitialDelayMillis: 10_000,
        }),
  });
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    // An idle connection dropped by the server must not crash the process; the pool replaces it.
    onPoolError: () => {},
    ...(prepare ? { statementNameGenerator: statementNames() } : {}),
  });
  return {
    prisma: new PrismaClient({ adapter }),
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max,
    }),
  };
}

/**
 * Opens the database:
 * - `databaseUrl` set → that PostgreSQL, through @prisma/adapter-pg;
 * - otherwise → embedded PGlite persisted in `dataDir` (or in memory), served on a loopback
 *   ephemeral port and reached through the same adapter with a pool of one connection, migrated
 *   on start.
 * It reads no environment: a process passes its settings' `database` (@collab/settings).
 */
export async function createDb(options: CreateDbOptions = {}): Promise<Db> {
  // First: a bad key fails the start, before any connection is opened.
  if (options.appSecretKeys !== undefined) useAppSecretKeys(options.appSecretKeys);
  const databaseUrl =
    options.inMemory === true ? undefined : options.databaseUrl?.trim() || undefined;

  if (databaseUrl !== undefined) {
    if (options.migrate === true) {
      await runMigrations(databaseUrl, { log: options.log });
    }
    const connection: PostgresConnectionOptions = {
      connectMs: options.connectTimeoutMs ?? DATABASE_TIMEOUT_DEFAULTS.connectMs,
      queryMs: options.queryTimeoutMs ?? DATABASE_TIMEOUT_DEFAULTS.queryMs,
      lifetimeSeconds:
        options.connectionLifetimeSeconds ?? DATABASE_CONNECTION_LIFETIME_DEFAULT_SECONDS,
    };
    const { prisma, poolStats } = newPrisma(databaseUrl, options.poolMax ?? 10, true, connection);
    let closed: Promise<void> | undefined;
    const closeSignal = registerSessionEventSignal(
      { prisma, kind: "postgres", url: databaseUrl },
      // The live readers' own connection (tailReaderFor), opened when first read through.
      () => newPrisma(databaseUrl, 1, true, connection).prisma,
    );
    return {
      prisma,
      kind: "postgres",
      url: databaseUrl,
      poolStats,
      close: () => {
        closed ??= closeSignal().then(() => prisma.$disconnect());
        return closed;
      },
    };
  }

  const server = await startEmbeddedPostgres({
    dataDir: options.inMemory === true ? undefined : (options.dataDir ?? defaultPgliteDataDir()),
    image: options.pgliteImage,
  });
  try {
    if (options.migrate !== false) {
      await runMigrations(server.url, { log: options.log });
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  const { prisma, poolStats } = newPrisma(server.url, 1, false);
  const closeSignal = registerSessionEventSignal({ prisma, kind: "pglite", url: server.url });
  let closed: Promise<void> | undefined;
  return {
    prisma,
    kind: "pglite",
    url: server.url,
    poolStats,
    close: () => {
      closed ??= (async () => {
        try {
          await closeSignal();
          await prisma.$disconnect();
        } finally {
          await server.stop();
        }
      })();
      return closed;
    },
  };
}

const singleton = processSlot<Promise<Db>>("@collab/db/singleton");

/**
 * The process-wide database, created by the first call with its options (the process's database
 * settings; later calls get the same one) and kept on globalThis: Next.js loads several bundles
 * of this module in one process, and an embedded data directory may be opened only once per
 * process.
 */
export function getDb(options: CreateDbOptions): Promise<Db> {
  let pending = singleton.get();
  if (pending === undefined) {
    pending = createDb(options).catch((error: unknown) => {
      // Let the next caller retry (e.g. PostgreSQL was briefly unreachable).
      if (singleton.get() === pending) singleton.set(undefined);
      throw error;
    });
    singleton.set(pending);
  }
  return pending;
}

/** Closes the getDb() singleton, if it was created (graceful shutdown, test teardown). */
export async function closeDb(): Promise<void> {
  const pending = singleton.get();
  singleton.set(undefined);
  if (pending === undefined) return;
  const db = await pending.catch(() => undefined);
  await db?.close();
}

/** The URL with its password replaced by `***`, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparseable database url>";
  }
}
