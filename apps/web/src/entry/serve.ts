import { closeDb, type Db, getDb, redactUrl } from "@collab/db";
import { createMetrics, type MetricsServer, startMetricsServer } from "@collab/metrics";
import type { Settings } from "@collab/settings";
import { startTracing } from "@collab/tracing";
import next from "next";
import { consoleSessionProblem } from "../server/console-session";
import { closeProcessLimitStore, processLimitStore } from "../server/limit-store";
import { createLogger } from "../server/logger";
import { SERVICE_VERSION } from "../server/version";
import { createAppServer } from "./app-server";
import { InServerWorker } from "./in-server-worker";
import { prepareNextDir } from "./standalone";

/** Seconds past the shutdown timeout after which a stuck shutdown gives up (exit 1). */
const SHUTDOWN_GRACE_MS = 15_000;

/**
 * Opens the database, starts the in-server worker (unless WORKER_IN_SERVER=0) and Next.js, then
 * listens. SIGTERM or SIGINT: stop accepting, end live streams with a reconnection hint, finish
 * the requests in flight (at most SHUTDOWN_TIMEOUT_SECONDS) and the worker's current work, close
 * Next.js and the database, exit 0. A second signal exits at once (1).
 */
export async function serve(settings: Settings): Promise<void> {
  const logger = createLogger(settings.logging.level);
  if (consoleSessionProblem(settings) !== null) {
    logger.warn(
      "CONSOLE_SESSION_SECRET is not set: the console refuses every sign-in (the REST API works). Set it to at least 32 random characters, the same on every instance (e.g. `openssl rand -base64 48`).",
    );
  }

  // Before the database: Prisma's spans need the provider in place.
  const tracing = startTracing({
    serviceName: settings.tracing.serviceName ?? "collab-web",
    serviceVersion: SERVICE_VERSION,
    ...(settings.tracing.endpoint === null ? {} : { endpoint: settings.tracing.endpoint }),
  });

  let db: Db;
  try {
    db = await getDb(settings.database);
  } catch (error) {
    // A malformed or unopenable database (embedded data directory in use, failed migration).
    // A PostgreSQL server that is merely down is not an error here: requests answer UNAVAILABLE.
    logger.fatal({ err: error }, "cannot open the database");
    process.exit(1);
  }

  const metrics = createMetrics();
  metrics.trackPool(() => db.poolStats());
  const limitStore = processLimitStore(settings.limits, db.prisma, logger);
  // Not awaited for long: a shared store that is down must not keep the server from starting
  // (REST requests pass unchecked, console sign-ins answer 503, until it is back).
  limitStore.ready().catch((error: unknown) => {
    logger.warn(
      { store: limitStore.kind, error: error instanceof Error ? error.message : String(error) },
      "rate-limit store not reachable at start",
    );
  });

  const { inServer, ...workerSettings } = settings.worker;
  const worker = inServer
    ? new InServerWorker(db, workerSettings, logger.child({ component: "worker" }), metrics)
    : null;
  worker?.start();

  const app = next({
    dev: settings.server.development,
    dir: prepareNextDir().dir,
    ...(settings.server.host === undefined ? {} : { hostname: settings.server.host }),
    port: settings.server.port,
  });
  await app.prepare();
  const appServer = createAppServer({
    settings,
    db,
    next: app.getRequestHandler(),
    worker,
    metrics,
    log: logger,
    limitStore,
  });
  const address = await appServer.listen();
  let metricsServer: MetricsServer | undefined;
  if (settings.metrics.port !== null) {
    try {
      metricsServer = await startMetricsServer({
        registry: metrics.registry,
        port: settings.metrics.port,
        ...(settings.server.host === undefined ? {} : { host: settings.server.host }),
        token: settings.metrics.token,
        onError: (error) => logger.warn({ err: error }, "metrics"),
      });
    } catch (error) {
      logger.fatal({ err: error }, `cannot listen on METRICS_PORT ${settings.metrics.port}`);
      process.exit(1);
    }
  }
  const anyInterface = address.address === "::" || address.address === "0.0.0.0";
  const hostPart = anyInterface
    ? "localhost"
    : address.family === "IPv6"
      ? `[${address.address}]`
      : address.address;
  logger.info(
    {
      url: `http://${hostPart}:${address.port}`,
      mode: settings.server.development ? "development" : "production",
      database: db.kind === "postgres" ? redactUrl(db.url) : "embedded PGlite",
      worker: worker === null ? "elsewhere (WORKER_IN_SERVER=0)" : "in this process",
      rateLimitStore: limitStore.kind,
      trustProxy: settings.proxy.trust,
      traces: settings.tracing.endpoint ?? "off",
      metrics:
        metricsServer === undefined
          ? settings.metrics.token === null
            ? "off"
            : "/metrics (bearer token)"
          : `/metrics on port ${metricsServer.address.port}`,
    },
    "listening",
  );

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting without finishing");
      process.exit(1);
    }
    stopping = true;
    logger.info(
      { signal, timeoutMs: settings.server.shutdownTimeoutMs },
      "shutting down: no new connections, finishing the requests in flight",
    );
    setTimeout(() => {
      logger.error("shutdown did not finish in time: exiting");
      process.exit(1);
    }, settings.server.shutdownTimeoutMs + SHUTDOWN_GRACE_MS).unref();
    try {
      const { drained } = await appServer.close();
      await metricsServer?.close();
      await app.close();
      await closeProcessLimitStore();
      await closeDb();
      await tracing?.shutdown().catch((error: unknown) => {
        logger.warn({ err: error }, "the last traces could not be exported");
      });
      logger.info({ drained }, "stopped");
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", (signal) => void shutdown(signal));
  process.on("SIGINT", (signal) => void shutdown(signal));
}
