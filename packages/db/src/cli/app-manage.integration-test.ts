import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAppUsage } from "../repositories/app-usage";
import { createApp, findAppCredentials, findAppSecret } from "../repositories/apps";
import { createTestDatabase, type TestDatabase } from "../testing";

// `pnpm app:manage` as an operator runs it, against a PostgreSQL database of its own.

const packageDir = fileURLToPath(new URL("../..", import.meta.url));

function manage(
  url: string,
  ...args: string[]
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/app-manage.ts", ...args], {
    cwd: packageDir,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out, err })));
}

/**
 * Each test starts two or three `app:manage` processes (Node.js + tsx + Prisma, a few seconds of
 * CPU each): on a machine busy with the rest of the suite and other work, ~20 s each. The limit
 * only ends a hung one.
 */
const MANAGE_TIMEOUT_MS = 180_000;

describe.runIf(process.env.TEST_DATABASE_URL)("pnpm app:manage", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ target: "postgres" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it(
    "disables and enables an app: its secret is not found while disabled",
    async () => {
      const app = await createApp(db.prisma, { name: "Managed" });
      const disabled = await manage(db.url, "disable", "--app", app.id);
      expect(disabled.code, disabled.err).toBe(0);
      expect(await findAppSecret(db.prisma, app.id)).toBeNull();
      expect(await findAppCredentials(db.prisma, app.id)).toBeNull();
      const shown = await manage(db.url, "show", "--app", app.id);
      expect(shown.out).toMatch(/state\s+disabled since \d{4}-/);
      expect(shown.out).not.toContain(app.secret);
      expect((await manage(db.url, "enable", "--app", app.id)).code).toBe(0);
      expect(await findAppSecret(db.prisma, app.id)).toBe(app.secret);
    },
    MANAGE_TIMEOUT_MS,
  );

  it(
    "prints the usage per day, today last",
    async () => {
      const app = await createApp(db.prisma, { name: "Used" });
      const today = new Date().toISOString().slice(0, 10);
      await addAppUsage(db.prisma, [{ appId: app.id, day: today, requests: 12, errors: 3 }]);
      const { code, out } = await manage(db.url, "usage", "--app", app.id, "--days", "3");
      expect(code).toBe(0);
      const lines = out.trim().split("\n");
      expect(lines).toHaveLength(4);
      expect(lines.at(-1)?.split(/\s+/)).toEqual([today, "12", "3", "0"]);
    },
    MANAGE_TIMEOUT_MS,
  );

  it(
    "deletes only with --confirm naming the app; an unknown app is exit 1",
    async () => {
      const app = await createApp(db.prisma, { name: "Doomed" });
      const refused = await manage(db.url, "delete", "--app", app.id);
      expect(refused.code).toBe(2);
      expect(refused.err).toContain("--confirm");
      expect(await findAppSecret(db.prisma, app.id)).not.toBeNull();
      const deleted = await manage(db.url, "delete", "--app", app.id, "--confirm", app.id);
      expect(deleted.code, deleted.err).toBe(0);
      expect(await db.prisma.app.count({ where: { id: app.id } })).toBe(0);
      const unknown = await manage(db.url, "show", "--app", app.id);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain("No app");
    },
    MANAGE_TIMEOUT_MS,
  );
});
