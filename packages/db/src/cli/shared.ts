import { type CreateDbOptions, createDb, type Db, redactUrl } from "../client";
import { defaultPgliteDataDir } from "../paths";

/** One line saying which database a command talks to (never the password). */
export function describeTarget(db: Pick<Db, "kind" | "url">): string {
  return db.kind === "postgres"
    ? `PostgreSQL at ${redactUrl(db.url)}`
    : `embedded PGlite in ${defaultPgliteDataDir()}`;
}

/** Runs a command against createDb(), closing it afterwards; errors become exit code 1. */
export async function runWithDb(
  options: CreateDbOptions,
  command: (db: Db) => Promise<void>,
): Promise<void> {
  let db: Db | undefined;
  try {
    db = await createDb(options);
    await command(db);
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
