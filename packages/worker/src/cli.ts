/**
 * `pnpm worker`: the background worker as its own process, for deployments on PostgreSQL
 * (DATABASE_URL) that run it next to (or instead of inside) the web servers — calling timeouts and
 * webhook deliveries. Any number may run at once. Stops cleanly on SIGINT / SIGTERM.
 *
 * Without DATABASE_URL it opens the embedded database, which only one process may hold: use it
 * while `pnpm dev` is stopped (the dev server runs the same worker in-process anyway).
 */
import { createDb, redactUrl } from "@collab/db";
import { consoleWorkerLog } from "./log";
import { workerSettingsFromEnv } from "./settings";
import { startWorker } from "./worker";

const settings = workerSettingsFromEnv();
const db = await createDb();
consoleWorkerLog.info(
  { database: db.kind === "postgres" ? redactUrl(db.url) : "embedded PGlite" },
  "worker starting",
);
const worker = await startWorker({ db, settings, log: consoleWorkerLog });
consoleWorkerLog.info({}, "worker running: calling timeouts and webhook deliveries");

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  consoleWorkerLog.info({ signal }, "worker stopping");
  try {
    await worker.stop();
  } finally {
    await db.close();
  }
  process.exit(0);
}
process.once("SIGINT", (signal) => void shutdown(signal));
process.once("SIGTERM", (signal) => void shutdown(signal));
