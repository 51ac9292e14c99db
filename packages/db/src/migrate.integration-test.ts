import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MigrationError, migrate, readMigrations, sha256Hex } from "./migrate";
import { migrationsDir } from "./paths";
import { openSchemaEngine } from "./schema-engine";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "./testing";

async function migrationNames(): Promise<string[]> {
  return (await readMigrations()).map((migration) => migration.name);
}

/** A migrations folder holding the real migrations plus `extra` ones (name → SQL). */
async function migrationsWith(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "collab-migrations-"));
  await cp(migrationsDir, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

describe.each(testDatabaseTargets())("migrations on %s", (target) => {
  let db: TestDatabase;
  let client: pg.Client;
  const tempDirs: string[] = [];
  const query = async (text: string, values?: unknown[]) => (await client.query(text, values)).rows;

  beforeAll(async () => {
    db = await createTestDatabase({ target, migrate: false });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await db?.close();
    for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
  });

  it("applies every migration exactly once, even when two runs race; then nothing", async () => {
    const names = await migrationNames();
    let runs: Awaited<ReturnType<typeof migrate>>[];
    if (target === "postgres") {
      // Two connections: only Prisma's advisory lock keeps them apart.
      const other = new pg.Client({ connectionString: db.url });
      await other.connect();
      const mine = new pg.Client({ connectionString: db.url });
      await mine.connect();
      try {
        runs = await Promise.all([migrate(mine), migrate(other)]);
      } finally {
        await other.end();
        await mine.end();
      }
    } else {
      // PGlite is one session (advisory locks don't exclude): runs are queued per URL in-process.
      runs = await Promise.all([migrate(db.url), migrate(db.url)]);
    }
    expect(runs.map((run) => run.applied).sort((a, b) => b.length - a.length)).toEqual([names, []]);

    const again = await migrate(db.url);
    expect(again).toEqual({ applied: [], alreadyApplied: names, notInMigrationsDir: [] });
    const rows = await query(`SELECT migration_name FROM _prisma_migrations`);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
  });

  it("keeps the ledger exactly as Prisma does", async () => {
    const columns = await query(
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      {
        column_name: "id",
        data_type: "character varying",
        character_maximum_length: 36,
        is_nullable: "NO",
        column_default: null,
      },
      {
        column_name: "checksum",
        data_type: "character varying",
        character_maximum_length: 64,
        is_nullable: "NO",
        column_default: null,
      },
      {
        column_name: "finished_at",
        data_type: "timestamp with time zone",
        character_maximum_length: null,
        is_nullable: "YES",
        column_default: null,
      },
      {
        column_name: "migration_name",
        data_type: "character varying",
        character_maximum_length: 255,
        is_nullable: "NO",
        column_default: null,
      },
      {
        column_name: "logs",
        data_type: "text",
        character_maximum_length: null,
        is_nullable: "YES",
        column_default: null,
      },
      {
        column_name: "rolled_back_at",
        data_type: "timestamp with time zone",
        character_maximum_length: null,
        is_nullable: "YES",
        column_default: null,
      },
      {
        column_name: "started_at",
        data_type: "timestamp with time zone",
        character_maximum_length: null,
        is_nullable: "NO",
        column_default: "now()",
      },
      {
        column_name: "applied_steps_count",
        data_type: "integer",
        character_maximum_length: null,
        is_nullable: "NO",
        column_default: "0",
      },
    ]);

    const rows = await query(`SELECT * FROM _prisma_migrations ORDER BY started_at`);
    const folders = (await readdir(migrationsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(rows).toHaveLength(folders.length);
    for (const [index, row] of rows.entries()) {
      const folder = folders[index] ?? "";
      const bytes = await readFile(join(migrationsDir, folder, "migration.sql"));
      expect(row.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(row.migration_name).toBe(folder);
      expect(row.checksum).toBe(sha256Hex(bytes));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("is reported up to date by Prisma's own schema engine", async () => {
    const engine = await openSchemaEngine(db.url);
    try {
      expect(await engine.diagnoseMigrationHistory()).toEqual({
        editedMigrationNames: [],
        failedMigrationNames: [],
        hasMigrationsTable: true,
        history: null,
      });
      // What `prisma migrate deploy` would do now: nothing.
      expect(await engine.applyMigrations()).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it("refuses an applied migration whose file no longer matches its checksum", async () => {
    const [first] = await query(
      `SELECT id, checksum, migration_name FROM _prisma_migrations ORDER BY started_at LIMIT 1`,
    );
    await query(`UPDATE _prisma_migrations SET checksum = $1 WHERE id = $2`, [
      sha256Hex("tampered"),
      first?.id,
    ]);
    try {
      const error = await migrate(db.url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect(error).toMatchObject({
        code: "CHECKSUM_MISMATCH",
        migrationName: first?.migration_name,
      });
      // Prisma sees the same thing.
      const engine = await openSchemaEngine(db.url);
      try {
        expect((await engine.diagnoseMigrationHistory()).editedMigrationNames).toEqual([
          first?.migration_name,
        ]);
      } finally {
        await engine.close();
      }
    } finally {
      await query(`UPDATE _prisma_migrations SET checksum = $1 WHERE id = $2`, [
        first?.checksum,
        first?.id,
      ]);
    }
    expect((await migrate(db.url)).applied).toEqual([]);
  });

  it("records a failing migration as failed, rolls its script back, and refuses to continue until it is resolved", async () => {
    const broken = "29991231000000_broken";
    const dir = await migrationsWith({
      [broken]: "CREATE TABLE broken_a (id int);\nSELECT 1/0;\n",
    });
    tempDirs.push(dir);

    const error = await migrate(db.url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "APPLY_FAILED", migrationName: broken });
    expect(await query(`SELECT to_regclass('broken_a') AS t`)).toEqual([{ t: null }]);
    const [row] = await query(`SELECT * FROM _prisma_migrations WHERE migration_name = $1`, [
      broken,
    ]);
    expect(row).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
    expect(row?.logs).toContain("22012");
    expect(row?.logs).toContain("division by zero");

    await expect(migrate(db.url)).rejects.toMatchObject({ code: "FAILED_MIGRATION" });
    const engine = await openSchemaEngine(db.url);
    try {
      expect((await engine.diagnoseMigrationHistory(dir)).failedMigrationNames).toEqual([broken]);
    } finally {
      await engine.close();
    }

    // `prisma migrate resolve --rolled-back <name>` does this:
    await query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1`, [
      broken,
    ]);
    expect((await migrate(db.url)).applied).toEqual([]);
    await query(`DELETE FROM _prisma_migrations WHERE migration_name = $1`, [broken]);
  });

  it("sends each file as one simple-protocol query, so $$ bodies and several statements work", async () => {
    const name = "29991231000001_plpgsql";
    const dir = await migrationsWith({
      [name]: [
        "CREATE FUNCTION collab_semicolons() RETURNS text LANGUAGE plpgsql AS $$",
        "BEGIN",
        "  RETURN 'a;b;c';",
        "END;",
        "$$;",
        "COMMENT ON FUNCTION collab_semicolons() IS 'x; y';",
        "",
      ].join("\n"),
    });
    tempDirs.push(dir);
    try {
      expect((await migrate(db.url, { migrationsDir: dir })).applied).toEqual([name]);
      expect(await query(`SELECT collab_semicolons() AS v`)).toEqual([{ v: "a;b;c" }]);
      expect((await migrate(db.url, { migrationsDir: dir })).applied).toEqual([]);
      // Back on the real folder, the extra migration is reported, not fatal.
      expect((await migrate(db.url)).notInMigrationsDir).toEqual([name]);
    } finally {
      await query(`DROP FUNCTION IF EXISTS collab_semicolons()`);
      await query(`DELETE FROM _prisma_migrations WHERE migration_name = $1`, [name]);
    }
  });
});
