import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
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
});
