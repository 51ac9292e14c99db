import { loadSettings, type Settings, SettingsError } from "@collab/settings";
import { type CreateDbOptions, createDb, type Db, redactUrl } from "../client";
import { defaultPgliteDataDir } from "../paths";

/**
 * The deployment's settings (DATABASE_URL, PGLITE_DATA_DIR, …), read once by each command;
 * malformed ones end it with exit code 1 and one line per variable.
 */
export function commandSettings(): Settings {
  try {
    return loadSettings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(
      `Cannot run: fix ${error.problems.length === 1 ? "this setting" : "these settings"}:\n${error.problems.map((line) => `  - ${line}`).join("\n")}`,
    );
    process.exit(1);
  }
}

/** One line saying which database a command talks to (never the password). */
export function describeTarget(
  db: Pick<Db, "kind" | "url">,
  options: Pick<CreateDbOptions, "dataDir">,
): string {
  return db.kind === "postgres"
    ? `PostgreSQL at ${redactUrl(db.url)}`
    : `embedded PGlite in ${options.dataDir ?? defaultPgliteDataDir()}`;
}

/**
 * Runs a command against createDb(options), closing it afterwards; errors become exit code 1.
 * The command gets the database and the line describeTarget() writes for it.
 */
export async function runWithDb(
  options: CreateDbOptions,
  command: (db: Db, target: string) => Promise<void>,
): Promise<void> {
  let db: Db | undefined;
  try {
    db = await createDb(options);
    await command(db, describeTarget(db, options));
  } catch (error) {
    process.exitCode = 1;
    console.error(explain(error));
  } finally {
    await db?.close();
  }
}

export function explain(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (code === "P2021" || code === "42P01") {
    return "The database has no tables yet: run `pnpm db:migrate` first.";
  }
  if (error instanceof Error) {
    // Prisma's messages start with the invocation and a code excerpt; the cause is the last line.
    const message = error.name.startsWith("PrismaClient")
      ? (error.message.trim().split("\n").pop() ?? error.message)
      : error.message;
    return `${error.name}: ${typeof code === "string" ? `${code} ` : ""}${message}`;
  }
  return String(error);
}
