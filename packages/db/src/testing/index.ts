/**
 * @collab/db/testing — what tests (and the benchmark) use and the server never does: scratch
 * databases on PGlite or PostgreSQL, a fault test's own PostgreSQL cluster, and a log of the SQL
 * statements a piece of code sends.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type Db } from "../client";
import { pgliteImage } from "./pglite-image";

export type TestDatabaseTarget = "pglite" | "postgres";

/**
 * The databases integration tests should run against: always the embedded PGlite, plus
 * PostgreSQL when TEST_DATABASE_URL names a server (its database is only used to create and drop
 * scratch databases). Use with `describe.each(testDatabaseTargets())`.
 */
export function testDatabaseTargets(env: NodeJS.ProcessEnv = process.env): TestDatabaseTarget[] {
  return env.TEST_DATABASE_URL?.trim() ? ["pglite", "postgres"] : ["pglite"];
}

/**
 * The one database a test runs against when the database is not its subject (the console's
 * pages, /docs, the SDK, the HTTP transport, the server's entry): PostgreSQL when
 * TEST_DATABASE_URL names a server, else PGlite. What each database does is proven on both by
 * packages/db and packages/domain and, over HTTP, by the REST wire tests (README, "Test it").
 */
export function adapterTestTargets(env: NodeJS.ProcessEnv = process.env): TestDatabaseTarget[] {
  return env.TEST_DATABASE_URL?.trim() ? ["postgres"] : ["pglite"];
}

export interface TestDatabase extends Db {
  readonly target: TestDatabaseTarget;
  /** The scratch database's name on the PostgreSQL server; null for PGlite. */
  readonly databaseName: string | null;
}

export interface CreateTestDatabaseOptions {
  /** Default "pglite" (in memory). "postgres" needs TEST_DATABASE_URL. */
  target?: TestDatabaseTarget;
  /** Apply the migrations (default true). */
  migrate?: boolean;
}

async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "collab-db-tests" });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new uniquely named
 * database on TEST_DATABASE_URL's server that close() drops.
 */
export async function createTestDatabase(
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const target = options.target ?? "pglite";
  const migrate = options.migrate ?? true;
  if (target === "pglite") {
    const db = await createDb({ inMemory: true, migrate, pgliteImage: await pgliteImage() });
    return Object.assign(db, { target, databaseName: null });
  }

  const adminUrl = process.env.TEST_DATABASE_URL?.trim();
  if (!adminUrl)
    throw new Error("createTestDatabase({ target: 'postgres' }) needs TEST_DATABASE_URL.");
  const databaseName = `collab_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE "${databaseName}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  // pg lets a `database` query parameter override the path: drop it.
  url.searchParams.delete("database");
  const drop = () =>
    withAdminClient(adminUrl, (client) =>
      client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`),
    );
  let db: Db;
  try {
    db = await createDb({ databaseUrl: url.toString(), migrate, poolMax: 4 });
  } catch (error) {
    await drop();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    prisma: db.prisma,
    kind: db.kind,
    url: db.url,
    poolStats: () => db.poolStats(),
    target,
    databaseName,
    close: () => {
      closed ??= (async () => {
        try {
          await db.close();
        } finally {
          await drop();
        }
      })();
      return closed;
    },
  };
}

export { pgliteImage } from "./pglite-image";
export {
  type PostgresCluster,
  type PostgresStopMode,
  type StartPostgresClusterOptions,
  startPostgresCluster,
} from "./postgres-cluster";
export { createStatementLog, type StatementLog, type StatementLogOptions } from "./statement-log";
