import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { START_NODE_OPTIONS, serverEntry, startTestServer } from "./server";

// Settings are checked when the process starts: a malformed one ends `pnpm start` and `pnpm dev`
// at once, naming the variable, before anything is opened or served.

const appDir = fileURLToPath(new URL("..", import.meta.url));

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: appDir,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    }),
  );
}

const MALFORMED = {
  HIAR_RATE_LIMIT_BURST: "lots",
  TRUST_PROXY: "everyone",
  HTTP_REQUEST_TIMEOUT_SECONDS: "-5",
};

describe("settings at start", () => {
  it("`pnpm start` exits 1 at once, naming every malformed variable", async () => {
    const { code, output } = await run([...START_NODE_OPTIONS, serverEntry], {
      NODE_ENV: "production",
      ...MALFORMED,
    });
    expect(code).toBe(1);
    expect(output).toContain("Cannot start: fix these settings:");
    expect(output).toContain(
      'HIAR_RATE_LIMIT_BURST must be an integer from 0 to 1000000, got "lots"',
    );
    expect(output).toContain("TRUST_PROXY must be a hop count or a comma-separated list");
    expect(output).toContain("HTTP_REQUEST_TIMEOUT_SECONDS must be a number from 1 to 3600");
    // Nothing was started: no database, no Next.js, no listening line.
    expect(output).not.toContain("listening");
  });

  it("`pnpm dev` does too (the same entry, through tsx)", async () => {
    const { code, output } = await run(
      ["--import", "tsx", join(appDir, "src", "entry", "main.ts")],
      {
        NODE_ENV: "development",
        HIAR_DATE_WINDOW_SECONDS: "0",
        // The worker's and the domain's settings are the server's too (one schema).
        WEBHOOK_MAX_CONCURRENT_PER_APP: "2.5",
        HIAR_CALLING_TIMEOUT_SECONDS: "soon",
        CONSOLE_SESSION_SECRET: "too-short-and-never-echoed",
      },
    );
    expect(code).toBe(1);
    expect(output).toContain("HIAR_DATE_WINDOW_SECONDS must be an integer from 1 to");
    expect(output).toContain(
      'WEBHOOK_MAX_CONCURRENT_PER_APP must be a positive integer, got "2.5"',
    );
    expect(output).toContain("HIAR_CALLING_TIMEOUT_SECONDS must be a number of seconds in");
    expect(output).toContain("CONSOLE_SESSION_SECRET must be at least 32 characters");
    expect(output).not.toContain("too-short-and-never-echoed");
  });

  it("takes no arguments (settings are environment variables)", async () => {
    const { code, output } = await run([serverEntry, "--port", "4000"], {});
    expect(code).toBe(2);
    expect(output).toContain("set PORT, HOST");
  });

  it("warns at start when production has no CONSOLE_SESSION_SECRET, and serves the REST API", async () => {
    const server = await startTestServer("pglite", {
      appCount: 0,
      env: { CONSOLE_SESSION_SECRET: "" },
    });
    try {
      expect(server.output()).toContain(
        "CONSOLE_SESSION_SECRET is not set: the console refuses every sign-in (the REST API works)",
      );
      const health = await fetch(`${server.baseUrl}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
