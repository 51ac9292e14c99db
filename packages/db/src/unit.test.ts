import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { redactUrl } from "./client";
import { newAppId, newId, newSecret } from "./ids";
import { checksumMatches, MigrationError, readMigrations, sha256Hex } from "./migrate";
import { migrationsDir } from "./paths";
import { testDatabaseTargets } from "./testing";

describe("ids", () => {
  it("newId is 32 lowercase hex characters", () => {
    const ids = new Set(Array.from({ length: 1000 }, newId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("newAppId and newSecret look like HiAR's", () => {
    expect(newAppId()).toMatch(/^hiar[0-9a-f]{16}$/);
    const secrets = Array.from({ length: 200 }, newSecret);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(new Set(secrets).size).toBe(200);
    // every character class shows up across a few secrets (not stuck on one alphabet range)
    const all = secrets.join("");
    expect(all).toMatch(/[A-Z]/);
    expect(all).toMatch(/[a-z]/);
    expect(all).toMatch(/[0-9]/);
  });
});

describe("checksums", () => {
  const script = "CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n";
  it("is the sha256 hex of the file bytes", () => {
    expect(sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(checksumMatches(script, sha256Hex(script))).toBe(true);
  });
  it("accepts Prisma's CRLF-normalised and legacy unpadded forms, nothing else", () => {
    expect(checksumMatches(script, sha256Hex(script.replace(/\r\n/g, "\n")))).toBe(true);
    const digest = Buffer.from(sha256Hex(script), "hex");
    const unpadded = Array.from(digest, (byte) => byte.toString(16)).join("");
    expect(checksumMatches(script, unpadded)).toBe(true);
    expect(checksumMatches(script, sha256Hex(`${script} `))).toBe(false);
  });
});

describe("readMigrations", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("orders folders by name and checksums the bytes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "collab-migrations-"));
    dirs.push(dir);
    for (const name of ["20240102000000_b", "20240101000000_a", "20240101000000_B"]) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, "migration.sql"), `-- ${name}\n`);
    }
    await writeFile(join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
    const migrations = await readMigrations(dir);
    expect(migrations.map((m) => m.name)).toEqual([
      "20240101000000_B",
      "20240101000000_a",
      "20240102000000_b",
    ]);
    expect(migrations[0]?.checksum).toBe(sha256Hex("-- 20240101000000_B\n"));
  });

  it("refuses a folder without migration.sql and another provider's lock file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "collab-migrations-"));
    dirs.push(dir);
    await mkdir(join(dir, "20240101000000_empty"));
    await expect(readMigrations(dir)).rejects.toMatchObject({ code: "MISSING_SCRIPT" });
    await writeFile(join(dir, "migration_lock.toml"), 'provider = "sqlite"\n');
    await expect(readMigrations(dir)).rejects.toBeInstanceOf(MigrationError);
    await expect(readMigrations(dir)).rejects.toMatchObject({ code: "PROVIDER_MISMATCH" });
  });

  it("the committed migrations use Prisma's folder layout", async () => {
    const entries = await readdir(migrationsDir, { withFileTypes: true });
    const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) expect(folder).toMatch(/^\d{14}_[A-Za-z0-9_]+$/);
    expect(await readFile(join(migrationsDir, "migration_lock.toml"), "utf8")).toContain(
      'provider = "postgresql"',
    );
  });
});

describe("helpers", () => {
  it("redactUrl hides the password only", () => {
    expect(redactUrl("postgres://u:s3cret@db:5432/app?sslmode=require")).toBe(
      "postgres://u:***@db:5432/app?sslmode=require",
    );
    expect(redactUrl("postgres://u@db/app")).toBe("postgres://u@db/app");
  });

  it("testDatabaseTargets adds postgres only when TEST_DATABASE_URL is set", () => {
    expect(testDatabaseTargets({})).toEqual(["pglite"]);
    expect(testDatabaseTargets({ TEST_DATABASE_URL: " " })).toEqual(["pglite"]);
    expect(testDatabaseTargets({ TEST_DATABASE_URL: "postgres://x/y" })).toEqual([
      "pglite",
      "postgres",
    ]);
  });
});
