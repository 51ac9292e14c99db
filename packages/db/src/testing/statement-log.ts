import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";

/**
 * A Prisma client that records every SQL statement its connections send to the server (BEGIN,
 * COMMIT and ROLLBACK included), for tests asserting how many statements a use case costs. It
 * opens its own pool on `url` (e.g. a TestDatabase's `url`); use it sequentially on PGlite.
 * Test tooling: production code uses createDb().
 */
export interface StatementLog {
  readonly prisma: PrismaClient;
  /** Statement texts in the order they were sent. */
  readonly statements: readonly string[];
  /** Forgets the statements recorded so far. */
  clear(): void;
  close(): Promise<void>;
}

export interface StatementLogOptions {
  /** Connections of its pool (default 1). */
  readonly poolMax?: number;
  /**
   * Called with each statement's text before it is sent; the statement waits for the returned
   * promise. Tests use it to run another writer between two statements of a use case.
   */
  readonly beforeStatement?: (text: string) => void | Promise<void>;
}

export function createStatementLog(url: string, options: StatementLogOptions = {}): StatementLog {
  const statements: string[] = [];
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 1,
    application_name: "collab-statement-log",
  });
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (
      ...args: unknown[]
    ) => {
      const first = args[0];
      const text =
        typeof first === "string" ? first : String((first as { text?: unknown })?.text ?? "");
      statements.push(text);
      const { beforeStatement } = options;
      if (beforeStatement === undefined) return query(...args);
      // pg's pool passes a callback (the query's outcome goes there); a transaction's client
      // awaits the returned promise.
      const callback = args.at(-1);
      const waited = Promise.resolve().then(() => beforeStatement(text));
      if (typeof callback === "function") {
        waited.then(
          () => query(...args),
          (error: unknown) => callback(error),
        );
        return undefined;
      }
      return waited.then(() => query(...args));
    };
  });
  // The adapter's copy of @types/pg differs from ours; at run time both are the same `pg`, which
  // the adapter checks with `instanceof pg.Pool` before using the pool as is.
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool as unknown as ConstructorParameters<typeof PrismaPg>[0]),
  });
  let closed: Promise<void> | undefined;
  return {
    prisma,
    statements,
    clear: () => {
      statements.length = 0;
    },
    close: () => {
      closed ??= (async () => {
        try {
          await prisma.$disconnect();
        } finally {
          await pool.end().catch(() => {});
        }
      })();
      return closed;
    },
  };
}
