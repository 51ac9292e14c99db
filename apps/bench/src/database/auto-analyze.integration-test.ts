import { createTestDatabase, type TestDatabase } from "@collab/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoAnalyzeSettings, emulateAutoAnalyze } from "./auto-analyze";

// The benchmark stands in for autovacuum when the server runs none: a table full of dead rows
// is vacuumed (and, changed, analyzed) during the case, as autovacuum would; with autovacuum on,
// or the emulation turned off, the benchmark touches nothing.

describe.skipIf(!process.env.TEST_DATABASE_URL?.trim())("autovacuum's emulation", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase({ target: "postgres" });
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    pool.on("error", () => {});
  });
  afterAll(async () => {
    await pool?.end();
    await db?.close();
  });

  async function tableWithDeadRows(name: string): Promise<void> {
    await pool.query(`CREATE TABLE ${name} (id int PRIMARY KEY, v int)`);
    await pool.query(`INSERT INTO ${name} SELECT g, 0 FROM generate_series(1, 5000) g`);
    await pool.query(`ANALYZE ${name}`);
    await pool.query(`UPDATE ${name} SET v = 1`);
  }

  async function lastRuns(name: string) {
    const { rows } = await pool.query<{ vacuumed: boolean; analyzed: boolean }>(
      `SELECT last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed
         FROM pg_stat_user_tables WHERE relname = $1`,
      [name],
    );
    return rows[0];
  }

  it("vacuums and analyzes a table full of dead rows, with the server's own rules", async () => {
    await tableWithDeadRows("dead_rows");
    const settings = {
      ...(await autoAnalyzeSettings(pool)),
      autovacuum: false,
      naptimeSeconds: 0.1,
    };
    const emulation = emulateAutoAnalyze(pool, settings, true);
    // The server's statistics reach pg_stat_user_tables a little after the writes.
    let vacuumed = false;
    for (const started = Date.now(); !vacuumed && Date.now() - started < 60_000; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      vacuumed = (await lastRuns("dead_rows"))?.vacuumed === true;
    }
    const done = await emulation.stop();
    expect(done).toContain("VACUUM ANALYZE public.dead_rows");
    const { rows } = await pool.query<{ dead: string }>(
      `SELECT n_dead_tup::text AS dead FROM pg_stat_user_tables WHERE relname = 'dead_rows'`,
    );
    expect(Number(rows[0]?.dead)).toBeLessThan(5000);
  }, 90_000);

  it("does nothing when the server runs autovacuum, or when turned off", async () => {
    await tableWithDeadRows("left_alone");
    const settings = await autoAnalyzeSettings(pool);
    for (const [autovacuum, enabled] of [
      [true, true],
      [false, false],
    ] as const) {
      const emulation = emulateAutoAnalyze(
        pool,
        { ...settings, autovacuum, naptimeSeconds: 0.05 },
        enabled,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await emulation.stop()).toEqual([]);
    }
  });
});
