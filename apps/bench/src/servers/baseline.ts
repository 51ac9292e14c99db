import { fileURLToPath } from "node:url";
import { BENCH_DIR } from "../paths";
import { secretEncryptionEnv } from "../secret-encryption";
import { BENCH_CALLING_TIMEOUT_SECONDS } from "./app-server";
import { freePort } from "./free-port";
import { type ServerProcess, startServer } from "./server-process";

/** The baseline's PostgreSQL application_name (its backends' CPU is measured by it). */
export const BASELINE_APPLICATION_NAME = "collab-bench-baseline";

const entry = fileURLToPath(new URL("../baseline/server.ts", import.meta.url));

/** The node:http + pg baseline in its own process (tsx compiles it once at start). */
export async function startBaseline(options: {
  readonly databaseUrl: string;
  readonly poolMax: number;
  readonly logPath: string;
}): Promise<ServerProcess> {
  const port = await freePort();
  return startServer({
    name: "baseline",
    args: ["--import", "tsx", entry],
    cwd: BENCH_DIR,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      POOL_MAX: String(options.poolMax),
      APPLICATION_NAME: BASELINE_APPLICATION_NAME,
      HIAR_CALLING_TIMEOUT_SECONDS: BENCH_CALLING_TIMEOUT_SECONDS,
      ...secretEncryptionEnv(),
    },
    port,
    logPath: options.logPath,
  });
}
