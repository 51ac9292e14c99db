import pg from "pg";
import type { TestServer } from "./server";

/** Rows of the tables a REST operation can write (not `nonce`, which every request writes). */
export interface TableCounts {
  collaboration: number;
  session: number;
  session_member: number;
  /**
   * Without `member.timeout`: the worker appends those on its own clock, so they would make a
   * count taken between two requests depend on timing rather than on the requests.
   */
  session_event: number;
}

export const NO_ROWS: TableCounts = Object.freeze({
  collaboration: 0,
  session: 0,
  session_member: 0,
  session_event: 0,
});

export interface TableCounter {
  /** Counts of one app's rows (every table has `app_id`), or of all apps' rows. */
  counts(appId?: string): Promise<TableCounts>;
  close(): Promise<void>;
}

const COUNTS_SQL = `SELECT
  (SELECT count(*) FROM collaboration WHERE $1::text IS NULL OR app_id = $1) AS collaboration,
  (SELECT count(*) FROM session WHERE $1::text IS NULL OR app_id = $1) AS session,
  (SELECT count(*) FROM session_member WHERE $1::text IS NULL OR app_id = $1) AS session_member,
  (SELECT count(*) FROM session_event
    WHERE ($1::text IS NULL OR app_id = $1) AND type <> 'member.timeout') AS session_event`;

/**
 * Reads a PostgreSQL test server's row counts directly (a small pool of our own, so concurrent
 * callers do not queue on one connection). Undefined on PGlite, whose data directory only the
 * server process may open.
 */
export async function openTableCounter(server: TestServer): Promise<TableCounter | undefined> {
  if (server.databaseUrl === undefined) return undefined;
  const pool = new pg.Pool({ connectionString: server.databaseUrl, max: 4 });
  return {
    async counts(appId) {
      const { rows } = await pool.query<Record<keyof TableCounts, string>>(COUNTS_SQL, [
        appId ?? null,
      ]);
      const row = rows[0];
      if (row === undefined) throw new Error("no counts");
      return {
        collaboration: Number(row.collaboration),
        session: Number(row.session),
        session_member: Number(row.session_member),
        session_event: Number(row.session_event),
      };
    },
    close: () => pool.end(),
  };
}

export function addCounts(a: TableCounts, b: TableCounts): TableCounts {
  return {
    collaboration: a.collaboration + b.collaboration,
    session: a.session + b.session,
    session_member: a.session_member + b.session_member,
    session_event: a.session_event + b.session_event,
  };
}
