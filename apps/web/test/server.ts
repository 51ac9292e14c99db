import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CreatedApp, createApp, createDb, type PrismaClient } from "@collab/db";
import { createTestDatabase, pgliteImage, type TestDatabaseTarget } from "@collab/db/testing";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const distDir = process.env.NEXT_DIST_DIR ?? ".next";
/** The production server as `pnpm build` makes it and `pnpm start` runs it. */
export const serverEntry = join(appDir, distDir, "entry", "server.mjs");
/** `pnpm start`'s Node.js options. */
export const START_NODE_OPTIONS = ["--max-old-space-size=256"];

export interface TestServer {
  readonly baseUrl: string;
  readonly target: TestDatabaseTarget;
  /** Apps provisioned before start (tenant A and tenant B), with their secrets. */
  readonly apps: readonly CreatedApp[];
  /** The server's PostgreSQL database (postgres target only), e.g. to make it unreachable. */
  readonly databaseUrl?: string;
  /** Everything the server wrote to stdout and stderr (across restarts). */
  readonly output: () => string;
  /** The running server process's id. */
  readonly pid: () => number | undefined;
  /** How each stopped server process exited (its exit code, or the signal that killed it). */
  readonly exits: () => readonly (number | NodeJS.Signals | null)[];
  /** Stops the server process and, `downForMs` later, starts a new one on the same port and database. */
  restart(downForMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Starts the production build (the server entry, as `pnpm start` runs it) on a fresh database of the given target, with
 * `appCount` apps provisioned first: PostgreSQL gets a new database on TEST_DATABASE_URL's
 * server; PGlite gets a new data directory that the server then owns (one process per data dir).
 * Resolves once /healthz answers 200 (or, with `waitForHealthy: false`, answers at all).
 */
export async function startTestServer(
  target: TestDatabaseTarget,
  options: {
    appCount?: number;
    env?: Record<string, string>;
    /** Webhook URL of the first app. */
    webhookUrl?: string;
    /**
     * Postgres target: this migrated database (e.g. on a test's own cluster) instead of a fresh
     * one on TEST_DATABASE_URL's server. The caller owns it: stop() leaves it as it is. With
     * `appCount: 0` nothing here touches it, so the server can be started while it is down.
     */
    databaseUrl?: string;
    /**
     * Default true: wait for /healthz to answer 200 (here and after each restart). False: only
     * for the server to listen (/healthz answering anything, e.g. 503 while the database is
     * down).
     */
    waitForHealthy?: boolean;
  } = {},
): Promise<TestServer> {
  if (!existsSync(join(appDir, distDir, "BUILD_ID")) || !existsSync(serverEntry)) {
    throw new Error("apps/web is not built: run `pnpm --filter @collab/web build` (turbo does it)");
  }
  if (options.databaseUrl !== undefined && target !== "postgres") {
    throw new Error("startTestServer: databaseUrl is for the postgres target");
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    // Production requires the console's cookie-signing key.
    CONSOLE_SESSION_SECRET: randomBytes(32).toString("base64url"),
    // The tests' webhook receivers listen on 127.0.0.1, a private network webhooks may not reach
    // by default (README "Private networks").
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "1",
    // fetch reuses an idle connection until 2 s before the server's keep-alive timeout; on a
    // machine busy enough to lag longer, a request sent as the server closes it fails ("other
    // side closed"). A long timeout puts that race beyond any idle gap within a test file.
    HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: "120",
    ...options.env,
  };
  delete env.DATABASE_URL;
  delete env.PGLITE_DATA_DIR;

  const apps: CreatedApp[] = [];
  let cleanup: () => Promise<void>;
  const provision = async (prisma: PrismaClient) => {
    for (let i = 0; i < (options.appCount ?? 2); i++) {
      apps.push(
        await createApp(prisma, {
          name: `Test app ${i + 1}`,
          webhookUrl: i === 0 ? options.webhookUrl : undefined,
          allowPrivateNetworks: true,
        }),
      );
    }
  };
  if (target === "postgres" && options.databaseUrl !== undefined) {
    const { databaseUrl } = options;
    if ((options.appCount ?? 2) > 0) {
      const db = await createDb({ databaseUrl, poolMax: 1 });
      try {
        await provision(db.prisma);
      } finally {
        await db.close();
      }
    }
    env.DATABASE_URL = databaseUrl;
    cleanup = async () => {};
  } else if (target === "postgres") {
    const database = await createTestDatabase({ target: "postgres" });
    await provision(database.prisma);
    env.DATABASE_URL = database.url;
    cleanup = () => database.close();
  } else {
    const dataDir = await mkdtemp(join(tmpdir(), "collab-web-test-"));
    const pgliteDir = join(dataDir, "pglite");
    // From the test process's PGlite image: initdb is not run again for every server.
    const db = await createDb({ dataDir: pgliteDir, pgliteImage: await pgliteImage() });
    await provision(db.prisma);
    await db.close();
    env.PGLITE_DATA_DIR = pgliteDir;
    cleanup = () => rm(dataDir, { recursive: true, force: true });
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const waitForHealthy = options.waitForHealthy ?? true;
  let server = await spawnServer(port, env, cleanup, waitForHealthy);
  let earlierOutput = "";
  const exits: (number | NodeJS.Signals | null)[] = [];
  return {
    baseUrl,
    target,
    apps,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    output: () => earlierOutput + server.output(),
    pid: () => server.pid,
    exits: () => exits,
    async restart(downForMs = 0) {
      exits.push(await server.stop());
      earlierOutput += server.output();
      await new Promise((resolve) => setTimeout(resolve, downForMs));
      server = await spawnServer(port, env, cleanup, waitForHealthy);
    },
    stop: async () => {
      exits.push(await server.stop());
      await cleanup();
    },
  };
}

interface ServerProcess {
  readonly pid: number | undefined;
  readonly output: () => string;
  /**
   * Stops the process (SIGTERM: a graceful shutdown; SIGKILL if it has not exited 30 s later);
   * leaves the database alone. Resolves to its exit code, or the signal that killed it.
   */
  stop(): Promise<number | NodeJS.Signals | null>;
}

/**
 * Spawns the server on `port` and waits until /healthz answers 200, or any status unless
 * `waitForHealthy` (cleaning up if it never does).
 */
async function spawnServer(
  port: number,
  env: NodeJS.ProcessEnv,
  cleanup: () => Promise<void>,
  waitForHealthy: boolean,
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...START_NODE_OPTIONS, serverEntry], {
    cwd: appDir,
    env: { ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const outcome = await exited;
      clearTimeout(timer);
      return outcome;
    }
    return child.exitCode ?? child.signalCode;
  };

  // Ready once /healthz answers: the first request also opens (and for PGlite migrates) the db.
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await cleanup();
      throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      await response.arrayBuffer();
      if (response.status === 200 || !waitForHealthy) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      await cleanup();
      throw new Error(`server did not become healthy:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { pid: child.pid, output: () => output, stop };
}
