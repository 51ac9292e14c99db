/**
 * `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database
 * (PGLITE_DATA_DIR, default <repo root>/.data/pglite) when DATABASE_URL is unset.
 */
import { redactUrl } from "../client";
import { type MigrateResult, MigrationError, migrate } from "../migrate";
import { defaultPgliteDataDir } from "../paths";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../pglite";
import { commandSettings } from "./shared";

async function main(): Promise<void> {
  const { databaseUrl, dataDir: configuredDataDir } = commandSettings().database;
  let embedded: EmbeddedPostgres | undefined;
  let result: MigrateResult;
  try {
    if (databaseUrl) {
      console.log(`Migrating PostgreSQL at ${redactUrl(databaseUrl)}`);
      result = await migrate(databaseUrl, { log: (line) => console.log(`  ${line}`) });
    } else {
      const dataDir = configuredDataDir ?? defaultPgliteDataDir();
      console.log(`Migrating the embedded PGlite database in ${dataDir}`);
      embedded = await startEmbeddedPostgres({ dataDir });
      result = await migrate(embedded.url, { log: (line) => console.log(`  ${line}`) });
    }
  } catch (error) {
    process.exitCode = 1;
    console.error(error instanceof MigrationError ? error.message : error);
    return;
  } finally {
    await embedded?.stop();
  }
  const total = result.applied.length + result.alreadyApplied.length;
  console.log(
    result.applied.length === 0
      ? `No pending migrations: the database is up to date (${total} applied).`
      : `Applied ${result.applied.length} migration(s); ${total} applied in all.`,
  );
  if (result.notInMigrationsDir.length > 0) {
    console.warn(
      `Warning: the database has applied migrations missing from prisma/migrations: ` +
        `${result.notInMigrationsDir.join(", ")}. Is this code older than the database?`,
    );
  }
}

await main();
