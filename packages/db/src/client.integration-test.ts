import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, createDb, getDb } from "./client";
import { packageDir } from "./paths";
import { ping } from "./ping";
import { createApp, InvalidAppInputError } from "./repositories/apps";
import { DEMO, SeedRefusedError, seedDemo } from "./seed";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "./testing";

const run = promisify(execFile);

describe.each(testDatabaseTargets())("client on %s", (target) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
  });

  afterAll(async () => {
    await db?.close();
  });

  it("ping reports the server", async () => {
    // The first query of a fresh connection: on a busy machine it can take longer than the
    // health check's 2 s default.
    const result = await ping(db, { timeoutMs: 30_000 });
    expect(result.ok).toBe(true);
    expect(result.error).toBeUndefined();
    expect(result.serverVersion).toMatch(/^\d+(\.\d+)?/);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(db.kind).toBe(target);
  });

  it("createApp issues a fresh APPID and secret", async () => {
    const app = await createApp(db.prisma, {
      name: "  Acme  ",
      webhookUrl: "https://acme.test/hook",
    });
    expect(app).toMatchObject({ name: "Acme", webhookUrl: "https://acme.test/hook" });
    expect(app.id).toMatch(/^hiar[0-9a-f]{16}$/);
    expect(app.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    const other = await createApp(db.prisma, { name: "Acme" });
    expect(other.id).not.toBe(app.id);
    expect(other.secret).not.toBe(app.secret);
    await expect(createApp(db.prisma, { name: " " })).rejects.toBeInstanceOf(InvalidAppInputError);
    await expect(createApp(db.prisma, { name: "x", webhookUrl: "ftp://x" })).rejects.toBeInstanceOf(
      InvalidAppInputError,
    );
    // Private destinations are refused as webhook.set refuses them, unless allowed.
    await expect(
      createApp(db.prisma, {
        name: "x",
        webhookUrl: "http://169.254.169.254/hook",
        allowPrivateNetworks: false,
      }),
    ).rejects.toThrow(/WEBHOOK_ALLOW_PRIVATE_NETWORKS/);
    const local = await createApp(db.prisma, {
      name: "x",
      webhookUrl: "http://127.0.0.1:9/hook",
      allowPrivateNetworks: true,
    });
    expect(local.webhookUrl).toBe("http://127.0.0.1:9/hook");
  });

  it("the seed is idempotent and refuses production", async () => {
    await expect(seedDemo(db.prisma, "production")).rejects.toBeInstanceOf(SeedRefusedError);
    expect(await db.prisma.app.count({ where: { id: DEMO.appId } })).toBe(0);

    await seedDemo(db.prisma, "development");
    // Demo activity survives a re-seed; the credentials are reset.
    await db.prisma.sessionMember.update({
      where: { sessionId_userId: { sessionId: DEMO.sessionId, userId: "user02" } },
      data: { memberSessionState: "MEMBER_CALLING" },
    });
    await db.prisma.app.update({ where: { id: DEMO.appId }, data: { secret: "changed" } });
    await seedDemo(db.prisma, undefined);

    const app = await db.prisma.app.findUniqueOrThrow({ where: { id: DEMO.appId } });
    expect(app.secret).toBe(DEMO.secret);
    const members = await db.prisma.sessionMember.findMany({
      where: { appId: DEMO.appId, sessionId: DEMO.sessionId },
      orderBy: { userId: "asc" },
    });
    expect(members.map((m) => [m.userId, m.memberSessionState])).toEqual([
      ["user01", "MEMBER_UNSPECIFIED"],
      ["user02", "MEMBER_CALLING"],
      ["user03", "MEMBER_UNSPECIFIED"],
    ]);
    expect(await db.prisma.collaboration.count({ where: { appId: DEMO.appId } })).toBe(1);
    expect(await db.prisma.session.count({ where: { appId: DEMO.appId } })).toBe(1);
    const collaboration = await db.prisma.collaboration.findUniqueOrThrow({
      where: { id: DEMO.collaborationId },
    });
    expect(collaboration).toMatchObject({
      state: "COLLABORATION_START",
      numberLimit: DEMO.numberLimit,
      creatorId: DEMO.creatorId,
    });
  });

  it("ping on a closed database answers ok: false instead of throwing", async () => {
    const scratch = await createTestDatabase({ target });
    await scratch.close();
    const result = await ping(scratch, { timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    expect(result.serverVersion).toBeNull();
  });

  if (target === "postgres") {
    it("createTestDatabase() makes a uniquely named database and close() drops it", async () => {
      const scratch = await createTestDatabase({ target: "postgres" });
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      try {
        const exists = async () =>
          (
            await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [
              scratch.databaseName,
            ])
          ).rowCount === 1;
        expect(scratch.databaseName).toMatch(/^collab_test_[0-9a-z]+_[0-9a-f]{8}$/);
        expect(scratch.databaseName).not.toBe(db.databaseName);
        expect(await exists()).toBe(true);
        // Open connections do not keep it alive: DROP ... WITH (FORCE).
        await scratch.prisma.app.count();
        await scratch.close();
        expect(await exists()).toBe(false);
      } finally {
        await admin.end();
      }
    });

    it("retires a connection past its lifetime, and with it a plan cache stuck on custom plans", async () => {
      // PostgreSQL costs a prepared statement's generic plan only when it builds one, and stops
      // building one while custom plans win. A generic plan built while the statistics made it
      // look dear then keeps the connection planning every execution, long after the statistics
      // are right again (packages/db README, "Which database"): only a new connection recovers.
      const short = await createDb({
        databaseUrl: db.url,
        poolMax: 1,
        connectionLifetimeSeconds: 2,
      });
      type Executor = Pick<typeof short.prisma, "$queryRaw" | "$executeRawUnsafe">;
      const lookups = async (q: Executor, times: number) => {
        for (let i = 0; i < times; i += 1) {
          await q.$queryRaw`SELECT count(*)::int AS n FROM "plan_stuck" WHERE "k" = ${10_000 + i}::int`;
        }
      };
      const state = async (q: Executor) => {
        const [row] = await q.$queryRaw<{ pid: number; generic: number; custom: number }[]>`
          SELECT pg_backend_pid() AS pid,
                 coalesce(sum(generic_plans), 0)::int AS generic,
                 coalesce(sum(custom_plans), 0)::int AS custom
            FROM pg_prepared_statements
           WHERE statement LIKE 'SELECT count(*)::int AS n FROM "plan_stuck"%'`;
        if (row === undefined) throw new Error("pg_prepared_statements answered no row");
        return row;
      };
      try {
        // In one transaction: the pool retires no connection while it is in use.
        const stuck = await short.prisma.$transaction(
          async (tx) => {
            await tx.$executeRawUnsafe(
              `CREATE TABLE "plan_stuck" ("id" int PRIMARY KEY, "k" int NOT NULL)`,
            );
            await tx.$executeRawUnsafe(`CREATE INDEX ON "plan_stuck" ("k")`);
            await tx.$executeRawUnsafe(
              `INSERT INTO "plan_stuck" SELECT g, g FROM generate_series(1, 20000) g`,
            );
            await tx.$executeRawUnsafe(`ANALYZE "plan_stuck"`);
            await lookups(tx, 10); // five custom plans, then the (cheap) generic one
            // A moment when a generic plan looks dear: ten distinct keys, "k = $1" 2,000 rows.
            await tx.$executeRawUnsafe(`UPDATE "plan_stuck" SET "k" = "id" % 10`);
            await tx.$executeRawUnsafe(`ANALYZE "plan_stuck"`);
            await lookups(tx, 1);
            // The statistics are right again: a generic plan would be as cheap as at first.
            await tx.$executeRawUnsafe(`UPDATE "plan_stuck" SET "k" = "id"`);
            await tx.$executeRawUnsafe(`ANALYZE "plan_stuck"`);
            const before = await state(tx);
            await lookups(tx, 20);
            const after = await state(tx);
            return { pid: after.pid, planned: after.custom - before.custom };
          },
          { timeout: 120_000 },
        );
        expect(stuck.planned).toBe(20);

        // Queries keep succeeding while the pool swaps the connection underneath.
        let fresh = await state(short.prisma);
        while (fresh.pid === stuck.pid) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          fresh = await state(short.prisma);
        }
        await lookups(short.prisma, 20);
        expect(await state(short.prisma)).toEqual({ pid: fresh.pid, custom: 5, generic: 15 });
        const alive = await short.prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${stuck.pid}::int`;
        expect(alive[0]?.n).toBe(0);
      } finally {
        await short.close();
      }
    });

    it("getDb({ databaseUrl }) is one PostgreSQL client per process", async () => {
      try {
        const first = getDb({ databaseUrl: db.url, dataDir: "/nonexistent/unused" });
        expect(getDb({ databaseUrl: db.url })).toBe(first);
        const shared = await first;
        expect(shared.kind).toBe("postgres");
        expect(await shared.prisma.app.count()).toBeGreaterThan(0);
      } finally {
        await closeDb();
      }
    });
  }
});

describe("embedded database on disk", () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "collab-pglite-"));
  });

  afterAll(async () => {
    await closeDb();
    await rm(root, { recursive: true, force: true });
  });

  it("creates missing parents, persists, and allows one opener per data directory", async () => {
    const dataDir = join(root, "nested", "deeper", "pglite");
    const first = await createDb({ dataDir });
    expect(first.kind).toBe("pglite");
    expect(first.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(JSON.parse(await readFile(`${dataDir}.lock`, "utf8")).pid).toBe(process.pid);
    await expect(createDb({ dataDir })).rejects.toThrow(/already open in this process/);
    await first.prisma.app.create({ data: { id: "hiar-persisted", name: "P", secret: "s" } });
    await first.close();
    await first.close(); // idempotent
    expect(existsSync(`${dataDir}.lock`)).toBe(false);

    // A lock left by a process that no longer exists is taken over.
    await writeFile(`${dataDir}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345 }));
    const second = await createDb({ dataDir });
    try {
      expect(await second.prisma.app.findUnique({ where: { id: "hiar-persisted" } })).toMatchObject(
        {
          name: "P",
        },
      );
      const ledger = await second.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM _prisma_migrations`;
      expect(ledger[0]?.n).toBeGreaterThan(0);
    } finally {
      await second.close();
    }

    // A lock held by another live process is respected.
    await writeFile(`${dataDir}.lock`, JSON.stringify({ pid: process.ppid }));
    await expect(createDb({ dataDir })).rejects.toThrow(/in use by process/);
    await rm(`${dataDir}.lock`);
    // A limit: two on-disk databases opened and one migrated passed 60 s on a loaded machine.
  }, 180_000);

  it("getDb() is one lazily created instance per process, on its data directory", async () => {
    const first = getDb({ databaseUrl: "", dataDir: join(root, "singleton") });
    expect(getDb({ dataDir: join(root, "elsewhere") })).toBe(first);
    const db = await first;
    expect(db.kind).toBe("pglite");
    expect((await ping(db)).ok).toBe(true);
    await closeDb();
    expect(existsSync(join(root, "singleton.lock"))).toBe(false);
  });

  it("the CLIs work end to end (db:migrate twice, app:create)", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DATA_DIR: join(root, "cli") };
    delete env.DATABASE_URL;
    const tsx = join(packageDir, "node_modules", ".bin", "tsx");
    const migrateOnce = await run(tsx, ["src/cli/migrate.ts"], { cwd: packageDir, env });
    expect(migrateOnce.stdout).toMatch(/Applied \d+ migration/);
    const migrateTwice = await run(tsx, ["src/cli/migrate.ts"], { cwd: packageDir, env });
    expect(migrateTwice.stdout).toContain("No pending migrations");
    const created = await run(tsx, ["src/cli/app-create.ts", "--name", "Acme"], {
      cwd: packageDir,
      env,
    });
    expect(created.stdout).toMatch(/APPID\s+hiar[0-9a-f]{16}/);
    expect(created.stdout).toMatch(/secret\s+[A-Za-z0-9]{32}/);
    const missing = await run(tsx, ["src/cli/app-create.ts"], { cwd: packageDir, env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(missing).toMatchObject({ code: 2 });
    // A malformed setting ends a command before it opens anything, naming the variable.
    const malformed = await run(tsx, ["src/cli/migrate.ts"], {
      cwd: packageDir,
      env: { ...env, DATABASE_URL: "mysql://root:hunter2@db/app" },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(malformed).toMatchObject({ code: 1 });
    expect((malformed as { stderr: string }).stderr).toContain(
      "DATABASE_URL must be a postgres:// or postgresql:// URL, not mysql://…",
    );
    expect((malformed as { stderr: string }).stderr).not.toContain("hunter2");
    // Five processes, three of which start an embedded PostgreSQL: 20–30 s on a quiet machine,
    // past 90 s on a busy one.
  }, 300_000);
});
