/**
 * Development tooling (not part of the runtime API): Prisma's schema engine, compiled to wasm
 * (@prisma/schema-engine-wasm), driven in-process through @prisma/adapter-pg. No native engine and
 * no network needed. Used to author migrations (`db:diff`, `db:migration:new`) and by the test
 * that proves the migrations and schema.prisma agree.
 *
 * @prisma/adapter-pg 7.10.1 needs three fixes to serve the engine (what the wrapper below does):
 * - it cannot map the `"char"` catalog type (OID 18) the engine's describer reads: such columns are
 *   handed over as text and reported to the engine as Character;
 * - its executeScript splits the script on `;` (breaks `$$` bodies): the script goes as one
 *   simple-protocol query instead;
 * - its factory methods are called unbound by the engine, and their results must be wrapped by
 *   bindMigrationAwareSqlAdapterFactory (Result objects, error registry).
 * The engine never gets a shadow database here: every operation used below reads the live database
 * it is connected to, or the schema alone.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlQueryable,
  type SqlResultSet,
  type Transaction,
} from "@prisma/driver-adapter-utils";
import type {
  DiagnoseMigrationHistoryOutput,
  MigrationList,
  SchemaEngine,
} from "@prisma/schema-engine-wasm";
import { migrate, readMigrations } from "./migrate";
import { migrationsDir as defaultMigrationsDir, schemaPath as defaultSchemaPath } from "./paths";
import { startEmbeddedPostgres } from "./pglite";

type Glue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

const OID_CHAR = 18;
const OID_TEXT = 25;

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: unknown };
}

let gluePromise: Promise<Glue> | undefined;

/**
 * Instantiates the engine's wasm once per process. Node 20 cannot `import` a .wasm file, so the
 * module is compiled from the package's bytes and wired to its JS glue by hand. Set
 * PRISMA_SCHEMA_ENGINE_WASM to another schema_engine_bg.wasm (e.g. the one shipped inside the
 * prisma CLI package) to use that build instead.
 */
function loadEngine(): Promise<Glue> {
  gluePromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue: Glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmPath =
      process.env.PRISMA_SCHEMA_ENGINE_WASM || join(dirname(gluePath), "schema_engine_bg.wasm");
    // (lib "ES2023" without "DOM" declares no WebAssembly values.)
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(readFileSync(wasmPath));
    const instance = new wasm.Instance(module, { "./schema_engine_bg.js": glue });
    const exports = instance.exports as { __wbindgen_start(): void };
    glue.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    const registry = globalThis as unknown as {
      PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void };
    };
    registry.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message: string) {
        process.stderr.write(`Prisma schema engine (wasm) panicked: ${message}\n`);
      },
    };
    return glue;
  })();
  return gluePromise;
}

/** The engine build in use, e.g. "59be4fda12412a79eeb9c2ae727b6aa723593323". */
export async function schemaEngineVersion(): Promise<string> {
  return (await loadEngine()).version();
}

/** Result sets whose columns had the "char" type, by rows array (see the module comment). */
const charColumns = new WeakMap<object, number[]>();

function markCharColumns(result: unknown): void {
  for (const res of Array.isArray(result) ? result : [result]) {
    const r = res as { fields?: { dataTypeID: number }[]; rows?: object } | undefined;
    if (!r?.fields || !r.rows) continue;
    const indexes: number[] = [];
    r.fields.forEach((field, index) => {
      if (field.dataTypeID === OID_CHAR) {
        field.dataTypeID = OID_TEXT;
        indexes.push(index);
      }
    });
    if (indexes.length > 0) charColumns.set(r.rows, indexes);
  }
}

/** Wraps client.query (callback and promise forms) so results pass through markCharColumns. */
type Queryish = { query: (...args: never[]) => unknown };

function patchClient(client: Queryish): void {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === "function") {
      args[last] = (error: unknown, result: unknown) => {
        if (!error) markCharColumns(result);
        callback(error, result);
      };
      return original(...args);
    }
    const returned = original(...args);
    if (returned instanceof Promise) {
      return returned.then((result) => {
        markCharColumns(result);
        return result;
      });
    }
    return returned;
  };
}

function fixColumnTypes(result: SqlResultSet): SqlResultSet {
  const indexes = charColumns.get(result.rows);
  if (indexes) for (const index of indexes) result.columnTypes[index] = ColumnTypeEnum.Character;
  return result;
}

function wrapQueryable<T extends SqlQueryable>(inner: T) {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: async (query: SqlQuery) => fixColumnTypes(await inner.queryRaw(query)),
    executeRaw: (query: SqlQuery) => inner.executeRaw(query),
  };
}

function engineAdapterFactory(
  url: string,
  opened: SqlDriverAdapter[],
): SqlMigrationAwareDriverAdapterFactory {
  // A config, not a pg.Pool: @prisma/adapter-pg is typed against its own @types/pg.
  const factory = new PrismaPg({
    connectionString: url,
    max: 1,
    application_name: "collab-schema-engine",
  });
  return {
    provider: "postgres",
    adapterName: factory.adapterName,
    connect: async (): Promise<SqlDriverAdapter> => {
      const adapter = await factory.connect();
      const pool = adapter.underlyingDriver();
      pool.on("connect", patchClient);
      const wrapped: SqlDriverAdapter = {
        ...wrapQueryable(adapter),
        executeScript: async (script: string) => {
          await pool.query(script);
        },
        startTransaction: async (isolationLevel): Promise<Transaction> => {
          const tx = await adapter.startTransaction(isolationLevel);
          return {
            ...wrapQueryable(tx),
            options: tx.options,
            commit: () => tx.commit(),
            rollback: () => tx.rollback(),
          };
        },
        getConnectionInfo: () => adapter.getConnectionInfo(),
        dispose: async () => {
          const index = opened.indexOf(wrapped);
          if (index >= 0) opened.splice(index, 1);
          await adapter.dispose();
        },
      };
      opened.push(wrapped);
      return wrapped;
    },
    connectToShadowDb: async () => {
      throw new Error("This tool gives the schema engine no shadow database.");
    },
  };
}

export interface SchemaFile {
  path: string;
  content: string;
}

export function readSchemaFiles(path: string = defaultSchemaPath): SchemaFile[] {
  return [{ path, content: readFileSync(path, "utf8") }];
}

export interface SchemaDiff {
  /** Whether the two sides are the same (no migration steps). */
  empty: boolean;
  /** The SQL migration script (Prisma's `-- This is an empty migration.` when empty). */
  script: string;
}

export interface SchemaEngineSession {
  /** SQL turning the connected database into `schema` (default: prisma/schema.prisma). */
  diffDatabaseToSchema(schema?: SchemaFile[]): Promise<SchemaDiff>;
  /** SQL creating `schema` from nothing. */
  diffEmptyToSchema(schema?: SchemaFile[]): Promise<SchemaDiff>;
  /** Prisma's view of the connected database's migration history vs. a migrations folder. */
  diagnoseMigrationHistory(migrationsDir?: string): Promise<DiagnoseMigrationHistoryOutput>;
  /** Prisma's applyMigrations (what `migrate deploy` runs), for cross-checking the ledger. */
  applyMigrations(migrationsDir?: string): Promise<string[]>;
  close(): Promise<void>;
}

const noFilters = { externalTables: [], externalEnums: [] };

export async function migrationList(dir: string = defaultMigrationsDir): Promise<MigrationList> {
  const migrations = await readMigrations(dir);
  const lockPath = join(dir, "migration_lock.toml");
  let lockContent: string | null = null;
  try {
    lockContent = readFileSync(lockPath, "utf8");
  } catch {
    lockContent = null;
  }
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories: migrations.map((migration) => ({
      path: migration.name,
      migrationFile: {
        path: relative(join(dir, migration.name), migration.path),
        content: { tag: "ok" as const, value: migration.script },
      },
    })),
  };
}

/**
 * Connects the wasm schema engine to the PostgreSQL (or PGlite socket) at `url`. Errors thrown by
 * the engine that come from the adapter carry the adapter's original error as `cause`.
 */
export async function openSchemaEngine(
  url: string,
  schema: SchemaFile[] = readSchemaFiles(),
): Promise<SchemaEngineSession> {
  const glue = await loadEngine();
  const opened: SqlDriverAdapter[] = [];
  const bound = bindMigrationAwareSqlAdapterFactory(engineAdapterFactory(url, opened));
  const disposeAll = async () => {
    for (const adapter of [...opened]) await adapter.dispose().catch(() => {});
  };
  const logs: string[] = [];
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      const id = /External error id#(\d+)/.exec(String((error as Error)?.message))?.[1];
      const original = id === undefined ? undefined : bound.errorRegistry.consumeError(Number(id));
      if (original)
        throw new Error(`Schema engine: ${String(original.error)}`, { cause: original.error });
      throw error;
    }
  };
  let engine: SchemaEngine;
  try {
    engine = await call(() =>
      glue.SchemaEngine.new(
        { datamodels: schema.map((file) => [file.path, file.content]) },
        (line: string) => logs.push(line),
        bound,
      ),
    );
  } catch (error) {
    await disposeAll();
    throw error;
  }

  const diff = async (from: Parameters<SchemaEngine["diff"]>[0]["from"], to: SchemaFile[]) => {
    const result = await call(() =>
      engine.diff({
        from,
        to: { tag: "schemaDatamodel", files: to },
        script: true,
        exitCode: true,
        filters: noFilters,
      }),
    );
    return { empty: result.exitCode === 0, script: result.stdout ?? "" };
  };

  return {
    diffDatabaseToSchema: (to = schema) =>
      diff({ tag: "schemaDatasource", files: to, configDir: dirname(to[0]?.path ?? ".") }, to),
    diffEmptyToSchema: (to = schema) => diff({ tag: "empty" }, to),
    diagnoseMigrationHistory: async (dir) =>
      call(async () =>
        engine.diagnoseMigrationHistory({
          migrationsList: await migrationList(dir),
          optInToShadowDatabase: false,
          filters: noFilters,
        }),
      ),
    applyMigrations: async (dir) =>
      (
        await call(async () =>
          engine.applyMigrations({ migrationsList: await migrationList(dir), filters: noFilters }),
        )
      ).appliedMigrationNames,
    close: async () => {
      engine.free();
      await disposeAll();
    },
  };
}

/**
 * What the next migration must contain: the migrations are applied (by ./migrate) to a scratch
 * in-memory PGlite, and the engine diffs that database against the schema — the same comparison
 * `prisma migrate dev` makes against its shadow database.
 */
export async function diffMigrationsToSchema(
  options: { migrationsDir?: string; schema?: SchemaFile[] } = {},
): Promise<SchemaDiff> {
  const server = await startEmbeddedPostgres();
  try {
    await migrate(server.url, { migrationsDir: options.migrationsDir });
    const engine = await openSchemaEngine(server.url, options.schema);
    try {
      return await engine.diffDatabaseToSchema();
    } finally {
      await engine.close();
    }
  } finally {
    await server.stop();
  }
}
