import { randomBytes } from "node:crypto";
import { createDb } from "@collab/db";
import pg from "pg";

/** A database the benchmark created for itself on the admin URL's server; drop() removes it. */
export interface ScratchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: "collab-bench" });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Creates `collab_bench_<time>_<random>` and runs the project's deployment step on it (createDb's
 * migrate: the Prisma migrations and whatever else `pnpm db:migrate` installs).
 */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `collab_bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // pg lets a `database` query parameter override the path.
  url.searchParams.delete("database");
  let dropped: Promise<void> | undefined;
  const database: ScratchDatabase = {
    name,
    url: url.toString(),
    drop: () => {
      dropped ??= withAdmin(adminUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
      return dropped;
    },
  };
  try {
    const db = await createDb({ databaseUrl: database.url, migrate: true, poolMax: 1 });
    await db.close();
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}
