import type pg from "pg";

// Planner statistics during a case. Production PostgreSQL runs autovacuum, whose analyze keeps
// them close to the data (by default: every minute, each table with more than 50 + 10 % of its
// rows changed since its last analyze). A server with autovacuum off — this project's shared
// development server is one — keeps whatever statistics a case started with for the whole case:
// those of tables holding only the provisioned sessions, in which no member rings. A 10-minute
// run then plans every statement for tables a million rows smaller than they are, which no
// deployment does. So when the server's autovacuum is off, the benchmark applies autovacuum's
// analyze rule itself, with the server's own settings, during each case.

export interface AutoAnalyzeSettings {
  /** The server's autovacuum setting. */
  readonly autovacuum: boolean;
  readonly naptimeSeconds: number;
  readonly threshold: number;
  readonly scaleFactor: number;
}

export async function autoAnalyzeSettings(db: pg.Pool): Promise<AutoAnalyzeSettings> {
  const { rows } = await db.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings
      WHERE name IN ('autovacuum', 'autovacuum_naptime', 'autovacuum_analyze_threshold',
                     'autovacuum_analyze_scale_factor')`,
  );
  const get = (name: string) => rows.find((r) => r.name === name)?.setting ?? "";
  return {
    autovacuum: get("autovacuum") === "on",
    naptimeSeconds: Number(get("autovacuum_naptime")) || 60,
    threshold: Number(get("autovacuum_analyze_threshold")) || 50,
    scaleFactor: Number(get("autovacuum_analyze_scale_factor")) || 0.1,
  };
}

/** Tables of the current database that autovacuum's analyze rule would analyze now. */
async function dueForAnalyze(db: pg.Pool, settings: AutoAnalyzeSettings): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT format('%I.%I', s.schemaname, s.relname) AS name
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.n_mod_since_analyze > $1::float8 + $2::float8 * greatest(c.reltuples, 0)`,
    [settings.threshold, settings.scaleFactor],
  );
  return rows.map((r) => r.name);
}

/**
 * Until stop(): every naptime, ANALYZE the tables autovacuum would (when the server's own
 * autovacuum is off; otherwise nothing). stop() resolves to the tables analyzed.
 */
export function emulateAutoAnalyze(
  db: pg.Pool,
  settings: AutoAnalyzeSettings,
  enabled: boolean,
): { stop(): Promise<string[]> } {
  const analyzed: string[] = [];
  if (settings.autovacuum || !enabled) return { stop: async () => analyzed };
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    pending = pending.then(async () => {
      for (const table of await dueForAnalyze(db, settings)) {
        await db.query(`ANALYZE ${table}`);
        analyzed.push(table);
      }
    });
  }, settings.naptimeSeconds * 1000);
  return {
    async stop() {
      clearInterval(timer);
      await pending;
      return analyzed;
    },
  };
}
