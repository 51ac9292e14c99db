import type pg from "pg";

// Autovacuum during a case. Production PostgreSQL runs it: its analyze keeps planner statistics
// close to the data (by default: every minute, each table with more than 50 + 10 % of its rows
// changed since its last analyze), and its vacuum takes away dead row versions (each table with
// more than 50 + 20 % of its rows dead, or 1,000 + 20 % inserted since its last vacuum), which
// every update of a session, every timed-out member and every purged nonce leaves behind. A
// server with autovacuum off — this project's shared development server is one — does neither:
// a case keeps the statistics it started with (tables holding only the provisioned sessions, in
// which no member rings), and its tables and indexes grow with dead rows for the whole case, so a
// 10-minute run measures a database no deployment has. So when the server's autovacuum is off,
// the benchmark applies autovacuum's rules itself, with the server's own settings, during each
// case; its vacuum is throttled like autovacuum's (autovacuum_vacuum_cost_delay and _limit).

export interface AutoAnalyzeSettings {
  /** The server's autovacuum setting. */
  readonly autovacuum: boolean;
  readonly naptimeSeconds: number;
  /** Analyze rule: rows changed since the last analyze > threshold + scaleFactor × rows. */
  readonly threshold: number;
  readonly scaleFactor: number;
  /** Vacuum rule: dead rows > vacuumThreshold + vacuumScaleFactor × rows, or … */
  readonly vacuumThreshold: number;
  readonly vacuumScaleFactor: number;
  /** … rows inserted since the last vacuum > insertThreshold + insertScaleFactor × rows. */
  readonly insertThreshold: number;
  readonly insertScaleFactor: number;
  /** Autovacuum's throttle (ms of sleep per costLimit of work). */
  readonly costDelayMs: number;
  readonly costLimit: number;
}

export async function autoAnalyzeSettings(db: pg.Pool): Promise<AutoAnalyzeSettings> {
  const { rows } = await db.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings
      WHERE name IN ('autovacuum', 'autovacuum_naptime', 'autovacuum_analyze_threshold',
                     'autovacuum_analyze_scale_factor', 'autovacuum_vacuum_threshold',
                     'autovacuum_vacuum_scale_factor', 'autovacuum_vacuum_insert_threshold',
                     'autovacuum_vacuum_insert_scale_factor', 'autovacuum_vacuum_cost_delay',
                     'autovacuum_vacuum_cost_limit', 'vacuum_cost_limit')`,
  );
  const get = (name: string) => rows.find((r) => r.name === name)?.setting ?? "";
  const number = (name: string, fallback: number) => {
    const value = Number(get(name));
    return get(name) === "" || !Number.isFinite(value) ? fallback : value;
  };
  const costLimit = number("autovacuum_vacuum_cost_limit", -1);
  return {
    autovacuum: get("autovacuum") === "on",
    naptimeSeconds: number("autovacuum_naptime", 60),
    threshold: number("autovacuum_analyze_threshold", 50),
    scaleFactor: number("autovacuum_analyze_scale_factor", 0.1),
    vacuumThreshold: number("autovacuum_vacuum_threshold", 50),
    vacuumScaleFactor: number("autovacuum_vacuum_scale_factor", 0.2),
    insertThreshold: number("autovacuum_vacuum_insert_threshold", 1000),
    insertScaleFactor: number("autovacuum_vacuum_insert_scale_factor", 0.2),
    costDelayMs: number("autovacuum_vacuum_cost_delay", 2),
    // -1: autovacuum uses vacuum_cost_limit.
    costLimit: costLimit > 0 ? costLimit : number("vacuum_cost_limit", 200),
  };
}

/** Tables of the current database that autovacuum's rules would vacuum and analyze now. */
async function dueTables(
  db: pg.ClientBase,
  settings: AutoAnalyzeSettings,
): Promise<{ name: string; vacuum: boolean; analyze: boolean }[]> {
  const { rows } = await db.query<{ name: string; vacuum: boolean; analyze: boolean }>(
    `SELECT format('%I.%I', s.schemaname, s.relname) AS name,
            s.n_dead_tup > $3::float8 + $4::float8 * greatest(c.reltuples, 0)
              OR s.n_ins_since_vacuum > $5::float8 + $6::float8 * greatest(c.reltuples, 0) AS vacuum,
            s.n_mod_since_analyze > $1::float8 + $2::float8 * greatest(c.reltuples, 0) AS analyze
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid`,
    [
      settings.threshold,
      settings.scaleFactor,
      settings.vacuumThreshold,
      settings.vacuumScaleFactor,
      settings.insertThreshold,
      settings.insertScaleFactor,
    ],
  );
  return rows.filter((row) => row.vacuum || row.analyze);
}

/**
 * Until stop(): every naptime, VACUUM and ANALYZE the tables autovacuum would (when the server's
 * own autovacuum is off; otherwise nothing), one at a time on one connection, the vacuum
 * throttled as autovacuum's is. stop() resolves to what was done ("VACUUM t", "ANALYZE t").
 */
export function emulateAutoAnalyze(
  db: pg.Pool,
  settings: AutoAnalyzeSettings,
  enabled: boolean,
): { stop(): Promise<string[]> } {
  const done: string[] = [];
  if (settings.autovacuum || !enabled) return { stop: async () => done };
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    pending = pending.then(async () => {
      const client = await db.connect();
      try {
        await client.query(`SET vacuum_cost_delay = '${settings.costDelayMs}ms'`);
        await client.query(`SET vacuum_cost_limit = ${Math.round(settings.costLimit)}`);
        for (const table of await dueTables(client, settings)) {
          const command = !table.vacuum ? "ANALYZE" : table.analyze ? "VACUUM (ANALYZE)" : "VACUUM";
          await client.query(`${command} ${table.name}`);
          done.push(`${command.replace(/[()]/g, "")} ${table.name}`);
        }
      } finally {
        client.release();
      }
    });
  }, settings.naptimeSeconds * 1000);
  return {
    async stop() {
      clearInterval(timer);
      await pending;
      return done;
    },
  };
}
