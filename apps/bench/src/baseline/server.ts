import { createServer } from "node:http";
import pg from "pg";
import { createHandler } from "./handler";
import { HAS_JOB_QUEUE } from "./sql";

// The baseline: node:http + pg, no Next.js, tRPC or Prisma. Started by the benchmark as its own
// process (so its RSS and CPU are its own): DATABASE_URL, PORT, POOL_MAX, APPLICATION_NAME and
// HIAR_CALLING_TIMEOUT_SECONDS from the environment.

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error("DATABASE_URL is required");
const port = Number(process.env.PORT ?? 3100);

const pool = new pg.Pool({
  connectionString: databaseUrl,
  max: Number(process.env.POOL_MAX ?? 10),
  application_name: process.env.APPLICATION_NAME ?? "collab-bench-baseline",
});
// An idle connection dropped by the server must not crash the process; the pool replaces it.
pool.on("error", () => {});

const { rows } = await pool.query<{ present: boolean }>(HAS_JOB_QUEUE);
// The project's default calling timeout is 60 s; the benchmark sets HIAR_CALLING_TIMEOUT_SECONDS.
const callingTimeoutSeconds = rows[0]?.present
  ? Number(process.env.HIAR_CALLING_TIMEOUT_SECONDS || 60)
  : null;
const server = createServer(createHandler({ pool, callingTimeoutSeconds }));
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => console.log(`baseline listening on ${port}`));

process.once("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
});
