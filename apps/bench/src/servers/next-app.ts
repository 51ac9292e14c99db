import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../paths";
import { freePort } from "./free-port";
import { type ServerProcess, startServer } from "./server-process";

/**
 * The benchmark's own build folder: two builds of apps/web in one folder collide, and colleagues
 * build apps/web too (next.config.ts reads NEXT_DIST_DIR; `next start` needs the same value).
 */
export const BENCH_DIST_DIR = ".next-bench";

// --cpu-prof is not allowed in NODE_OPTIONS; this preload profiles the server instead.
const PROFILE_PRELOAD = fileURLToPath(new URL("./cpu-profile.cjs", import.meta.url));

/** The application_name packages/db's client gives its connections. */
export const NEXT_APPLICATION_NAME = "collab";

/**
 * Longer than a whole run: the invites queue their calling-timeout jobs as in production, but none
 * fires during the run (firing them is another workload, and it would land on whichever case runs
 * a minute later, baseline cases included). The baseline gets the same value.
 */
export const BENCH_CALLING_TIMEOUT_SECONDS = "3600";

function productionEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: BENCH_DIST_DIR,
    HIAR_CALLING_TIMEOUT_SECONDS: BENCH_CALLING_TIMEOUT_SECONDS,
    // One app sends every request: the per-app limit (RATE_LIMITED) would measure the limiter.
    HIAR_RATE_LIMIT_PER_SECOND: "0",
    // Production refuses console sign-in without a cookie-signing key; one per run will do.
    CONSOLE_SESSION_SECRET: randomBytes(48).toString("base64url"),
    ...extra,
  };
}

/**
 * apps/web's own `build` script (`next build`, then the server entry into .next-bench/entry) into
 * .next-bench; output to `logPath`.
 */
export async function buildNextApp(logPath: string): Promise<void> {
  const log = openSync(logPath, "a");
  const child = spawn("pnpm", ["--filter", "@collab/web", "build"], {
    cwd: REPO_ROOT,
    env: productionEnv({}),
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`next build failed (exit ${code}); see ${logPath}`);
}

/**
 * The production server as the README runs it (`pnpm start`: apps/web's `start` script, which
 * runs the server entry with its Node.js options), on a free loopback port, against `databaseUrl`.
 */
export async function startNextApp(options: {
  readonly databaseUrl: string;
  readonly logPath: string;
  readonly cpuProfDir: string | null;
}): Promise<ServerProcess> {
  const port = await freePort();
  const profile =
    options.cpuProfDir === null
      ? {}
      : {
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${PROFILE_PRELOAD}`,
          BENCH_CPU_PROF_DIR: options.cpuProfDir,
        };
  return startServer({
    name: "pnpm start",
    command: "pnpm",
    args: ["--filter", "@collab/web", "start"],
    cwd: REPO_ROOT,
    env: productionEnv({
      DATABASE_URL: options.databaseUrl,
      PGLITE_DATA_DIR: undefined,
      HOST: "127.0.0.1",
      PORT: String(port),
      ...profile,
    }),
    port,
    logPath: options.logPath,
  });
}
