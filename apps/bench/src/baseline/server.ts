import { createServer } from "node:http";
import pg from "pg";
import { createAuthEnv } from "./auth";
import { createHandler } from "./handler";
import { pgExecutor } from "./pg-executor";
import { callingTimeoutSeconds, useAppSecretKeys } from "./project";

// The baseline: node:http + pg, no Next.js, no HTTP entry of the project, no Prisma. Started by
// the benchmark as its own process (so its RSS and CPU are its own): DATABASE_URL, PORT,
// POOL_MAX, APPLICATION_NAME and HIAR_CALLING_TIMEOUT_SECONDS (the deployment's calling timeout,
// as the project reads it) from the environment. It runs no ring clock: the project's server,
// running beside it on the same database, sweeps whatever comes due (nothing does while the
// benchmark's deployment timeout is an hour).

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error("DATABASE_URL is required");
const port = Number(process.env.PORT ?? 3100);
// Fail at start on a malformed value, as the project's server does.
callingTimeoutSeconds();
// The project's server decrypts app secrets under this key (--encrypt-secrets); so does this one.
useAppSecretKeys({ current: process.env.APP_SECRET_ENCRYPTION_KEY || null });

const pool = new pg.Pool({
  connectionString: databaseUrl,
  max: Number(process.env.POOL_MAX ?? 10),
  application_name: process.env.APPLICATION_NAME ?? "collab-bench-baseline",
});
// An idle connection dropped by the server must not crash the process; the pool replaces it.
pool.on("error", () => {});

const server = createServer(createHandler({ pool, auth: createAuthEnv(pgExecutor(pool)) }));
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => console.log(`baseline listening on ${port}`));

process.once("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
});
