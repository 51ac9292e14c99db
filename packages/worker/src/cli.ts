/**
 * `pnpm worker`: the background worker as its own process, for deployments on PostgreSQL
 * (DATABASE_URL) that run it next to (or instead of inside) the web servers — calling timeouts,
 * webhook deliveries and maintenance. Any number may run at once.
 *
 * It exits at once (status 1, one line per malformed variable, naming it) only on a malformed
 * setting. A database that is down, at start or later, is waited for: the worker retries with
 * backoff and logs its state. SIGINT / SIGTERM stop it cleanly: the sweep and the webhook POSTs in
 * progress finish, then it exits 0.
 *
 * Without DATABASE_URL it opens the embedded database, which only one process may hold: use it
 * while `pnpm dev` is stopped (the dev server runs the same worker in-process anyway).
 */
import { createDb, type Db, redactUrl } from "@collab/db";
import { createMetrics, type MetricsServer, startMetricsServer } from "@collab/metrics";
import { loadSettings, type Settings, SettingsError } from "@collab/settings";
import { startTracing } from "@collab/tracing";
import { consoleWorkerLog, describeError } from "./log";
import { startWorker } from "./worker";

function exitWith(message: string): never {
  consoleWorkerLog.error({}, message);
  process.exit(1);
}

// Every setting, read once, before anything is opened: a malformed one ends the process.
let settings: Settings;
try {
  settings = loadSettings();
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  for (const problem of error.problems) consoleWorkerLog.error({}, `cannot start: ${problem}`);
  process.exit(1);
}
const { inServer: _inServer, ...workerSettings } = settings.worker;

const tracing = startTracing({
  serviceName: settings.tracing.serviceName ?? "collab-worker",
  ...(settings.tracing.endpoint === null ? {} : { endpoint: settings.tracing.endpoint }),
});

let db: Db;
try {
  // PostgreSQL: no connection is made here (the worker's loops connect, and retry).
  db = await createDb(settings.database);
} catch (error) {
  exitWith(`the database could not be opened: ${describeError(error)}`);
}
consoleWorkerLog.info(
  { database: db.kind === "postgres" ? redactUrl(db.url) : "embedded PGlite" },
  "worker starting",
);
const metrics = createMetrics();
metrics.trackPool(() => db.poolStats());
const worker = await startWorker({ db, settings: workerSettings, log: consoleWorkerLog, metrics });

// Its metrics, on a port of their own (the worker serves nothing else).
let metricsServer: MetricsServer | undefined;
if (settings.metrics.port !== null) {
  try {
    metricsServer = await startMetricsServer({
      registry: metrics.registry,
      port: settings.metrics.port,
      ...(settings.server.host === undefined ? {} : { host: settings.server.host }),
      token: settings.metrics.token,
      onError: (error) => consoleWorkerLog.warn({ err: describeError(error) }, "metrics"),
    });
    consoleWorkerLog.info({ port: metricsServer.address.port }, "metrics served on /metrics");
  } catch (error) {
    exitWith(
      `METRICS_PORT ${settings.metrics.port} cannot be listened on: ${describeError(error)}`,
    );
  }
}

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  consoleWorkerLog.info({ signal }, "worker stopping: finishing the work in progress");
  try {
    await worker.stop();
    await metricsServer?.close();
    await db.close();
    await tracing?.shutdown();
  } catch (error) {
    consoleWorkerLog.warn({ err: describeError(error) }, "worker stop");
  }
  consoleWorkerLog.info({}, "worker stopped");
  process.exit(0);
}
process.once("SIGINT", (signal) => void shutdown(signal));
process.once("SIGTERM", (signal) => void shutdown(signal));
