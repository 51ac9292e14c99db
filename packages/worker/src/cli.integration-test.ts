import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@collab/db/testing";
import { describe, expect, it } from "vitest";

// `pnpm worker` (src/cli.ts) checks every setting before it opens anything: a malformed one ends
// it at once with exit code 1 and one JSON line per variable, naming it.

const packageDir = fileURLToPath(new URL("..", import.meta.url));

function runWorker(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts"], {
    cwd: packageDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  // Never left running: a worker that did start would wait for its database forever.
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, lines: output.split("\n").filter((line) => line.trim() !== "") });
    }),
  );
}

describe("pnpm worker", () => {
  it("exits 1 at once on malformed settings, one line naming each, before opening the database", async () => {
    const { code, lines } = await runWorker({
      WORKER_POLL_INTERVAL_MS: "often",
      HIAR_CALLING_TIMEOUT_SECONDS: "soon",
      DATABASE_URL: "mysql://root:hunter2@db/app",
    });
    expect(code).toBe(1);
    expect(lines.map((line) => JSON.parse(line))).toStrictEqual([
      {
        level: "error",
        msg: 'cannot start: HIAR_CALLING_TIMEOUT_SECONDS must be a number of seconds in (0, 86400], got "soon"',
      },
      {
        level: "error",
        msg: 'cannot start: WORKER_POLL_INTERVAL_MS must be a positive number, got "often"',
      },
      {
        level: "error",
        msg: "cannot start: DATABASE_URL must be a postgres:// or postgresql:// URL, not mysql://…",
      },
    ]);
  }, 60_000);

  it.runIf(process.env.TEST_DATABASE_URL)(
    "serves its metrics on METRICS_PORT, behind METRICS_TOKEN, and stops cleanly on SIGTERM",
    async () => {
      const db = await createTestDatabase({ target: "postgres" });
      const port = await freePort();
      const token = "worker-metrics-token-0123";
      const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts"], {
        cwd: packageDir,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          METRICS_PORT: String(port),
          METRICS_TOKEN: token,
          HOST: "127.0.0.1",
        },
        stdio: ["ignore", "ignore", "ignore"],
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      try {
        const scrape = (authorization?: string) =>
          fetch(`http://127.0.0.1:${port}/metrics`, {
            headers: authorization === undefined ? {} : { authorization },
          }).then(async (r) => ({ status: r.status, body: await r.text() }));
        // Running once its loops have each made a pass: the sweep histogram has a count.
        await expect
          .poll(
            async () =>
              (await scrape(`Bearer ${token}`).catch(() => ({ body: "" }))).body.match(
                /^collab_ring_clock_sweep_duration_seconds_count (\d+)/m,
              )?.[1] ?? "0",
            { timeout: 30_000, interval: 200 },
          )
          .not.toBe("0");
        expect((await scrape()).status).toBe(401);
        const { body } = await scrape(`Bearer ${token}`);
        expect(body).toMatch(/^collab_rings_overdue 0$/m);
        expect(body).toMatch(/^collab_db_pool_max \d+$/m);
        child.kill("SIGTERM");
        expect(await exited).toBe(0);
      } finally {
        child.kill("SIGKILL");
        await db.close();
      }
    },
    90_000,
  );
});

/** A TCP port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        resolve(typeof address === "object" && address !== null ? address.port : 0),
      );
    });
  });
}
