import type pg from "pg";
import type { DbExecutor } from "./project";

// The project's repository functions, run through plain pg instead of Prisma. They write their
// SQL as tagged templates (`db.$queryRaw\`… ${value} …\``); Prisma sends the template's parts
// joined with $1, $2, … and the values as parameters, and so does this executor, as named
// prepared statements (parsed and planned once per connection, as the project's client does with
// adapter-pg's statementNameGenerator). statements.integration-test.ts checks the texts match.

export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * The app secret lookup exactly as Prisma 7 sends findAppSecrets' `app.findUnique({ where: { id, disabledAt: null },
 * select: { secret, previousSecret, previousSecretExpiresAt } })` (captured from the wire), with
 * its values (id, 1, 0).
 */
export const FIND_APP_SECRET: NamedStatement = {
  name: "bench_find_app_secret",
  text: `SELECT "public"."app"."id", "public"."app"."secret", "public"."app"."previous_secret", "public"."app"."previous_secret_expires_at" FROM "public"."app" WHERE ("public"."app"."id" = $1 AND "public"."app"."disabled_at" IS NULL) LIMIT $2 OFFSET $3`,
};

const SECRET_SELECT = "secret,previousSecret,previousSecretExpiresAt";

interface StoredSecretsRow {
  id: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
}

// One name per call site: a template's strings array is the same object on every call.
const statements = new WeakMap<TemplateStringsArray, NamedStatement>();
let named = 0;

/** The text Prisma sends for a tagged template: its parts joined with $1, $2, … */
export function templateText(strings: readonly string[]): string {
  let text = strings[0] ?? "";
  for (let i = 1; i < strings.length; i++) text += `$${i}${strings[i]}`;
  return text;
}

function statementFor(strings: TemplateStringsArray): NamedStatement {
  let statement = statements.get(strings);
  if (statement === undefined) {
    named += 1;
    statement = { name: `bench_${named}`, text: templateText(strings) };
    statements.set(strings, statement);
  }
  return statement;
}

/** What the executor runs statements on: the pool (autocommit) or one client (a transaction). */
export type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

async function run<R extends pg.QueryResultRow>(
  target: Queryable,
  statement: NamedStatement,
  values: unknown[],
): Promise<R[]> {
  try {
    return (await target.query<R>({ name: statement.name, text: statement.text, values })).rows;
  } catch (error) {
    // The repositories read a database error's SQLSTATE where Prisma's adapter puts it
    // (writeInviteIfUnchanged tells its rolled-back "skipped" write from other errors that way).
    const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
    if (typeof code === "string") {
      Object.assign(error as Error, {
        originalCode: code,
        originalMessage: (error as Error).message,
      });
    }
    throw error;
  }
}

/**
 * A DbExecutor for the repository functions the baseline uses: `$queryRaw` (the invite's
 * statements, the nonce insert) and `app.findUnique` for the app secret lookup (Prisma's text,
 * FIND_APP_SECRET). Anything else the repositories might start calling fails loudly.
 */
export function pgExecutor(target: Queryable): DbExecutor {
  const executor = {
    $queryRaw<R extends pg.QueryResultRow>(
      strings: TemplateStringsArray,
      ...values: unknown[]
    ): Promise<R[]> {
      if (!Array.isArray(strings) || !("raw" in strings)) {
        throw new TypeError("pgExecutor: $queryRaw is only supported as a tagged template");
      }
      for (const value of values) {
        if (typeof value === "object" && value !== null && "strings" in value) {
          throw new TypeError("pgExecutor: nested Prisma.sql fragments are not supported");
        }
      }
      return run<R>(target, statementFor(strings), values);
    },
    app: {
      async findUnique(args: {
        where: { id: string; disabledAt: null };
        select: Record<string, true>;
      }): Promise<{
        id: string;
        secret: string;
        previousSecret: string | null;
        previousSecretExpiresAt: Date | null;
      } | null> {
        if (
          Object.keys(args.select).join() !== SECRET_SELECT ||
          Object.keys(args.where).join() !== "id,disabledAt"
        ) {
          throw new TypeError("pgExecutor: app.findUnique supports the secret lookup only");
        }
        const rows = await run<StoredSecretsRow>(target, FIND_APP_SECRET, [args.where.id, 1, 0]);
        const row = rows[0];
        return row
          ? {
              id: row.id,
              secret: row.secret,
              previousSecret: row.previous_secret,
              previousSecretExpiresAt: row.previous_secret_expires_at,
            }
          : null;
      },
    },
  };
  // Only the methods above exist; the repository functions the baseline calls use nothing else.
  return executor as unknown as DbExecutor;
}
