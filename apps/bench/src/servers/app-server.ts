import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchRateLimit } from "../options";
import { REPO_ROOT } from "../paths";
import { secretEncryptionEnv } from "../secret-encryption";
import { freePort } from "./free-port";
import {
  logContains,
  type ServerProcess,
  type StartedProcess,
  startProcess,
  startServer,
} from "./server-process";

/**
 * The benchmark's own build folder: two builds of apps/web in one folder collide, and colleagues
 * build apps/web too (next.config.ts and the server entry read NEXT_DIST_DIR; `pnpm start` needs
 * the same value).
 */
export const BENCH_DIST_DIR = ".next-bench";

// --cpu-prof is not allowed in NODE_OPTIONS; this preload profiles the server instead.
const PROFILE_PRELOAD = fileURLToPath(new URL("./cpu-profile.cjs", import.meta.url));

/** The application_name packages/db's client gives its connections (server and worker). */
export const APP_APPLICATION_NAME = "collab";

/**
 * The deployment's calling timeout for the whole run (servers and worker): an hour, so in the
 * ordinary cases every invite writes its members' deadlines as in production but none comes due
 * (the ring clock only looks), neither in that case nor in a later one. The cases about timeouts
 * give their collaborations a timeout of their own (ruleSettings.callingTimeout, which the invite
 * prefers), so the same servers serve every case. The baseline gets the same value.
 */
export const BENCH_CALLING_TIMEOUT_SECONDS = "3600";

/** The environment of the project's processes as a production deployment sets it. */
function productionEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: BENCH_DIST_DIR,
    HIAR_CALLING_TIMEOUT_SECONDS: BENCH_CALLING_TIMEOUT_SECONDS,
    // One app sends every request: the per-app limit (RATE_LIMITED) would measure the limiter
    // (--rate-limit turns it on with a budget no case reaches: rateLimitEnv).
    HIAR_RATE_LIMIT_PER_SECOND: "0",
    // Production refuses console sign-in without a cookie-signing key; one per run will do.
    CONSOLE_SESSION_SECRET: randomBytes(48).toString("base64url"),
    ...secretEncryptionEnv(),
    ...extra,
  };
}

/**
 * The servers' rate-limit settings for `--rate-limit`: off, or a per-app budget of a million a
 * second (the settings' maximum, never reached here) counted in the chosen store, so a case
 * measures the check's cost and nothing is refused.
 */
export function rateLimitEnv(rateLimit: BenchRateLimit): NodeJS.ProcessEnv {
  if (rateLimit === "off") return { HIAR_RATE_LIMIT_PER_SECOND: "0" };
  return {
    HIAR_RATE_LIMIT_PER_SECOND: "1000000",
    HIAR_RATE_LIMIT_BURST: "1000000",
    RATE_LIMIT_STORE: rateLimit,
    ...(rateLimit === "redis"
      ? {
          REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/0",
          REDIS_KEY_PREFIX: `collab-bench:${randomBytes(6).toString("hex")}:`,
        }
      : {}),
  };
}

/**
 * apps/web's own `build` script (`next build`, then the server entry into .next-bench/entry) into
 * .next-bench; output to `logPath`.
 */
export async function buildApp(logPath: string): Promise<void> {
  const log = openSync(logPath, "a");
  const child = spawn("pnpm", ["--filter", "@collab/web", "build"], {
    cwd: REPO_ROOT,
    env: productionEnv({}),
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the build failed (exit ${code}); see ${logPath}`);
}

/**
 * The production server as the README runs it (`pnpm start`: apps/web's `start` script, which
 * runs the bundled HTTP entry — HiAR REST paths answered by the entry itself, everything else,
 * tRPC included, handed to Next.js — with its Node.js options), on a free loopback port, against
 * `databaseUrl`. `workerInServer: false` sets WORKER_IN_SERVER=0 (the worker runs elsewhere).
 */
export async function startAppServer(options: {
  readonly databaseUrl: string;
  readonly logPath: string;
  readonly cpuProfDir: string | null;
  readonly workerInServer?: boolean;
  /** Default "off". */
  readonly rateLimit?: BenchRateLimit;
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
      WORKER_IN_SERVER: options.workerInServer === false ? "0" : "1",
      ...rateLimitEnv(options.rateLimit ?? "off"),
      ...profile,
    }),
    port,
    logPath: options.logPath,
  });
}

/** What `pnpm worker` logs once its loops (the ring clock among them) have all run once. */
const WORKER_RUNNING = "worker running";

/**
 * `pnpm worker` (the root script: packages/worker's `start`), against `databaseUrl`, with the
 * deployment's settings; resolves once it says its loops are running.
 */
export async function startWorkerProcess(options: {
  readonly databaseUrl: string;
  readonly logPath: string;
}): Promise<StartedProcess> {
  return startProcess(
    {
      name: "pnpm worker",
      command: "pnpm",
      args: ["worker"],
      cwd: REPO_ROOT,
      env: productionEnv({ DATABASE_URL: options.databaseUrl, PGLITE_DATA_DIR: undefined }),
      logPath: options.logPath,
    },
    async () => logContains(options.logPath, WORKER_RUNNING),
  );
}
