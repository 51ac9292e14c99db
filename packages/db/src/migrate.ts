/**
 * Applies prisma/migrations/<name>/migration.sql without Prisma's native schema engine, keeping
 * Prisma Migrate's `_prisma_migrations` ledger exactly as `prisma migrate deploy` does, so that
 * Prisma's own tooling (migrate status / deploy / dev / diff) accepts a database migrated here.
 *
 * What Prisma does, and this runner too:
 * - takes the session advisory lock 72707369 for the whole run;
 * - creates `_prisma_migrations` with Prisma's DDL when it is missing;
 * - refuses to do anything while a migration has a row with neither `finished_at` nor
 *   `rolled_back_at` (a failed migration: resolve it first);
 * - applies, in folder-name order, every folder whose name has no row that is not rolled back:
 *   inserts the row (uuid id, sha256 hex checksum of migration.sql, started_at now(),
 *   applied_steps_count 0), sends the whole file as ONE simple-protocol query (so `$$` bodies and
 *   multi-statement scripts survive; Postgres runs it in one implicit transaction), then sets
 *   applied_steps_count = 1 and finished_at = now(); on error it stores the error in `logs` and
 *   stops.
 * Stricter than `migrate deploy` (which only warns in `migrate status`): a migration whose file no
 * longer matches the checksum recorded when it was applied is refused.
 */

import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { migrationsDir as defaultMigrationsDir } from "./paths";
import { processSingleton } from "./process-singleton";

/** `pg_advisory_lock` key Prisma Migrate holds while it migrates a PostgreSQL database. */
export const PRISMA_MIGRATE_LOCK_ID = 72707369;

export const MIGRATIONS_TABLE = "_prisma_migrations";

/** Prisma's own DDL for the ledger (schema engine, PostgreSQL flavour). */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export type MigrationErrorCode =
  | "FAILED_MIGRATION"
  | "CHECKSUM_MISMATCH"
  | "APPLY_FAILED"
  | "MISSING_SCRIPT"
  | "PROVIDER_MISMATCH";

export class MigrationError extends Error {
  override readonly name = "MigrationError";
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    readonly migrationName?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface MigrationFile {
  /** The folder name, e.g. `20251127235500_init`; also the ledger's migration_name. */
  name: string;
  path: string;
  script: string;
  /** sha256 hex of the migration.sql bytes, as Prisma records it. */
  checksum: string;
}

export interface LedgerRow {
  id: string;
  checksum: string;
  finishedAt: Date | null;
  migrationName: string;
  logs: string | null;
  rolledBackAt: Date | null;
  startedAt: Date;
  appliedStepsCount: number;
}

export interface MigrateOptions {
  /** Defaults to packages/db/prisma/migrations. */
  migrationsDir?: string;
  /** Receives one line per applied migration. */
  log?: (line: string) => void;
}

export interface MigrateResult {
  /** Migrations applied by this run, in order. */
  applied: string[];
  /** Migrations that were already applied before this run. */
  alreadyApplied: string[];
  /** Applied migrations recorded in the database that have no folder here (database is ahead). */
  notInMigrationsDir: string[];
}

/** A connected client: what `migrate` needs. `pg.Client` and `pg.PoolClient` fit. */
export interface MigrationConnection {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Whether a file matches a checksum recorded in the ledger. Like Prisma: the plain sha256 hex, the
 * checksum of the file with CRLF line endings normalised to LF (a checkout on Windows), and the
 * unpadded hex rendering written by old Prisma versions are all accepted.
 */
export function checksumMatches(script: Uint8Array | string, recorded: string): boolean {
  const text = typeof script === "string" ? script : Buffer.from(script).toString("utf8");
  const digests = [
    createHash("sha256").update(script).digest(),
    createHash("sha256").update(text.replace(/\r\n/g, "\n")).digest(),
  ];
  return digests.some(
    (digest) =>
      digest.toString("hex") === recorded ||
      Array.from(digest, (byte) => byte.toString(16)).join("") === recorded,
  );
}

/** Reads the migration folders in the order Prisma applies them (folder name, ascending). */
export async function readMigrations(dir: string = defaultMigrationsDir): Promise<MigrationFile[]> {
  const lock = await readFile(join(dir, "migration_lock.toml"), "utf8").catch(() => null);
  if (lock !== null) {
    const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(lock)?.[1];
    if (provider !== undefined && provider !== "postgresql") {
      throw new MigrationError(
        "PROVIDER_MISMATCH",
        `${join(dir, "migration_lock.toml")} is for provider "${provider}", not "postgresql".`,
      );
    }
  }
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const path = join(dir, name, "migration.sql");
    const bytes = await readFile(path).catch(() => {
      throw new MigrationError(
        "MISSING_SCRIPT",
        `Migration folder ${join(dir, name)} has no migration.sql.`,
        name,
      );
    });
    migrations.push({ name, path, script: bytes.toString("utf8"), checksum: sha256Hex(bytes) });
  }
  return migrations;
}

/** The ledger rows, oldest first; empty when the ledger does not exist yet. */
export async function readLedger(connection: MigrationConnection): Promise<LedgerRow[]> {
  const exists = await connection.query(`SELECT to_regclass($1) IS NOT NULL AS "exists"`, [
    `"${MIGRATIONS_TABLE}"`,
  ]);
  if (exists.rows[0]?.exists !== true) return [];
  const { rows } = await connection.query(
    `SELECT "id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at",
            "started_at", "applied_steps_count"
       FROM "${MIGRATIONS_TABLE}" ORDER BY "started_at" ASC, "migration_name" ASC`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    checksum: String(row.checksum),
    finishedAt: (row.finished_at as Date | null) ?? null,
    migrationName: String(row.migration_name),
    logs: (row.logs as string | null) ?? null,
    rolledBackAt: (row.rolled_back_at as Date | null) ?? null,
    startedAt: row.started_at as Date,
    appliedStepsCount: Number(row.applied_steps_count),
  }));
}

function describeDatabaseError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; detail?: unknown; position?: unknown };
  const lines: string[] = [];
  if (typeof e.code === "string") lines.push(`Database error code: ${e.code}`, "");
  lines.push("Database error:", `ERROR: ${String(e.message ?? error)}`);
  if (typeof e.detail === "string" && e.detail) lines.push(`DETAIL: ${e.detail}`);
  if (typeof e.position === "string" && e.position) lines.push(`POSITION: ${e.position}`);
  return lines.join("\n");
}

/**
 * Applies the pending migrations. `target` is a connection string (a dedicated connection is
 * opened and closed) or an open connection (left open).
 */
export async function migrate(
  target: string | MigrationConnection,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  if (typeof target !== "string") return migrateWith(target, options);
  // PGlite is a single session, so its advisory locks do not exclude its own connections:
  // serialise runs against one connection string inside this process as well.
  const queues = migrationQueues();
  const run = (queues.get(target) ?? Promise.resolve()).then(
    () => migrateWith(target, options),
    () => migrateWith(target, options),
  );
  const settled = run.then(
    () => {},
    () => {},
  );
  queues.set(target, settled);
  void settled.then(() => {
    if (queues.get(target) === settled) queues.delete(target);
  });
  return run;
}

function migrationQueues(): Map<string, Promise<void>> {
  return processSingleton("@collab/db/migration-queues", () => new Map<string, Promise<void>>());
}

async function migrateWith(
  target: string | MigrationConnection,
  options: MigrateOptions,
): Promise<MigrateResult> {
  const migrations = await readMigrations(options.migrationsDir);
  let owned: pg.Client | undefined;
  let connection: MigrationConnection;
  if (typeof target === "string") {
    owned = new pg.Client({ connectionString: target, application_name: "collab-db-migrate" });
    // A dropped connection must surface as a failed query, not as an unhandled 'error' event.
    owned.on("error", () => {});
    await owned.connect();
    connection = owned;
  } else {
    connection = target;
  }
  try {
    await connection.query(`SELECT pg_advisory_lock(${PRISMA_MIGRATE_LOCK_ID})`);
    try {
      return await migrateLocked(connection, migrations, options.log);
    } finally {
      // If the connection is gone, so is the session and its lock: keep the original error.
      await connection
        .query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATE_LOCK_ID})`)
        .catch(() => undefined);
    }
  } finally {
    await owned?.end().catch(() => {});
  }
}

async function migrateLocked(
  connection: MigrationConnection,
  migrations: MigrationFile[],
  log: ((line: string) => void) | undefined,
): Promise<MigrateResult> {
  await connection.query(CREATE_MIGRATIONS_TABLE);
  const ledger = await readLedger(connection);

  const failed = ledger.filter((row) => row.finishedAt === null && row.rolledBackAt === null);
  if (failed.length > 0) {
    const details = failed
      .map(
        (row) =>
          `The \`${row.migrationName}\` migration started at ${row.startedAt.toISOString()} failed` +
          (row.logs ? `:\n${row.logs}` : "."),
      )
      .join("\n\n");
    throw new MigrationError(
      "FAILED_MIGRATION",
      "Found failed migrations in the target database; new migrations will not be applied. " +
        "Fix the database by hand, then mark the migration rolled back or applied " +
        "(see packages/db/README.md, 'A failed migration').\n\n" +
        details,
      failed[0]?.migrationName,
    );
  }

  const live = ledger.filter((row) => row.rolledBackAt === null);
  const result: MigrateResult = { applied: [], alreadyApplied: [], notInMigrationsDir: [] };
  const onDisk = new Set(migrations.map((migration) => migration.name));
  result.notInMigrationsDir = [
    ...new Set(live.map((row) => row.migrationName).filter((name) => !onDisk.has(name))),
  ];

  for (const migration of migrations) {
    const rows = live.filter((row) => row.migrationName === migration.name);
    if (rows.length > 0) {
      if (!rows.some((row) => checksumMatches(migration.script, row.checksum))) {
        throw new MigrationError(
          "CHECKSUM_MISMATCH",
          `Migration \`${migration.name}\` was modified after it was applied: ${migration.path} ` +
            `has checksum ${migration.checksum}, the database recorded ${rows[0]?.checksum}. ` +
            "Restore the applied file and put the change in a new migration.",
          migration.name,
        );
      }
      result.alreadyApplied.push(migration.name);
    }
  }

  for (const migration of migrations) {
    if (live.some((row) => row.migrationName === migration.name)) continue;
    const id = randomUUID();
    await connection.query(
      `INSERT INTO "${MIGRATIONS_TABLE}" ("id", "checksum", "started_at", "migration_name", "applied_steps_count")
       VALUES ($1, $2, now(), $3, 0)`,
      [id, migration.checksum, migration.name],
    );
    try {
      // No parameters: pg sends this as one simple-protocol Query message.
      await connection.query(migration.script);
    } catch (error) {
      const logs = describeDatabaseError(error);
      await connection.query(`UPDATE "${MIGRATIONS_TABLE}" SET "logs" = $1 WHERE "id" = $2`, [
        logs,
        id,
      ]);
      throw new MigrationError(
        "APPLY_FAILED",
        `Migration \`${migration.name}\` failed to apply; nothing after it was applied.\n\n${logs}`,
        migration.name,
        { cause: error },
      );
    }
    await connection.query(
      `UPDATE "${MIGRATIONS_TABLE}" SET "applied_steps_count" = "applied_steps_count" + 1 WHERE "id" = $1`,
      [id],
    );
    await connection.query(
      `UPDATE "${MIGRATIONS_TABLE}" SET "finished_at" = now() WHERE "id" = $1`,
      [id],
    );
    result.applied.push(migration.name);
    log?.(`Applied migration ${migration.name}`);
  }
  return result;
}
