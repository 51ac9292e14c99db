/**
 * `pnpm worker`: the background worker as its own process, for deployments on PostgreSQL
 * (DATABASE_URL) that run it next to (or instead of inside) the web servers — calling timeouts,
 * webhook deliveries and maintenance. Any number may run at once.
 *
 * It exits at once (status 1, one line naming the variable) only on a malformed setting. A
 * database that is down, at start or later, is waited for: the worker retries with backoff and
 * logs its state. SIGINT / SIGTERM stop it cleanly: the sweep and the webhook POSTs in progress
 * finish, then it exits 0.
 *
 * Without DATABASE_URL it opens the embedded database, which only one process may hold: use it
 * while `pnpm dev` is stopped (the dev server runs the same worker in-process anyway).
 */
import { createDb, type Db, redactUrl } from "@collab/db";
import { callingTimeoutSeconds } from "@collab/domain";
import { consoleWorkerLog, describeError } from "./log";
import { type WorkerSettings, workerSettingsFromEnv } from "./settings";
import { startWorker } from "./worker";

function exitWith(message: string): never {
  consoleWorkerLog.error({}, message);
  process.exit(1);
}

/** A DATABASE_URL the driver cannot use would otherwise only show as endless retries. */
function checkDatabaseUrl(raw: string | undefined): void {
  const value = raw?.trim();
  if (!value) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error("DATABASE_URL must be a postgres:// or postgresql:// URL");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new Error(`DATABASE_URL must be a postgres:// or postgresql:// URL, got ${url.protocol}`);
  }
}

let settings: WorkerSettings;
try {
  settings = workerSettingsFromEnv();
  callingTimeoutSeconds();
  checkDatabaseUrl(process.env.DATABASE_URL);
} catch (error) {
  exitWith(describeError(error));
}

let db: Db;
try {
  // PostgreSQL: no connection is made here (the worker's loops connect, and retry).
  db = await createDb();
} catch (error) {
  exitWith(`the database could not be opened: ${describeError(error)}`);
}
consoleWorkerLog.info(
  { database: db.kind === "postgres" ? redactUrl(db.url) : "embedded PGlite" },
  "worker starting",
);
const worker = await startWorker({ db, settings, log: consoleWorkerLog });

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  consoleWorkerLog.info({ signal }, "worker stopping: finishing the work in progress");
  try {
    await worker.stop();
    await db.close();
  } catch (error) {
    consoleWorkerLog.warn({ err: describeError(error) }, "worker stop");
  }
  consoleWorkerLog.info({}, "worker stopped");
  process.exit(0);
}
process.once("SIGINT", (signal) => void shutdown(signal));
process.once("SIGTERM", (signal) => void shutdown(signal));
