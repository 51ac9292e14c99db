import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { LimitStore } from "@collab/api";
import { errorEnvelope } from "@collab/contracts";
import { addAppUsage, createAppSecretCache, type Db } from "@collab/db";
import { splitRequestTarget } from "@collab/hiar-auth";
import { METRICS_PATH, type Metrics, serveMetrics } from "@collab/metrics";
import type { Settings } from "@collab/settings";
import type { Logger } from "pino";
import { domainSettings } from "../server/domain-settings";
import { serveRest } from "../server/rest/dispatch";
import { AppRateLimiter } from "../server/rest/rate-limit";
import { restRoutes } from "../server/rest/routes";
import { UsageRecorder } from "../server/rest/usage";
import { answerWithReconnectHint, EventStreams, isEventStreamRequest } from "./event-streams";
import { applyResolvedClient, compileTrust, resolveClient } from "./forwarded";
import { healthChecker, serveHealthz } from "./healthz";
import type { InServerWorker } from "./in-server-worker";
import { isUserStreamRequest, serveUserStream } from "./trpc-streams";

// The one HTTP entry of the app: /healthz and every documented HiAR POST path are served here
// with plain node req/res; everything else (console, /api/trpc, /docs, /openapi.json, static
// files) goes to Next.js with the client's address, scheme and host resolved. It also bounds
// what a client may hold before it is authenticated, and shuts down gracefully.

export type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Request line and headers together (HTTP 431 beyond). */
export const MAX_HEADER_BYTES = 16_384;

export interface AppServerOptions {
  /** The deployment's settings, loaded once at start. */
  readonly settings: Settings;
  readonly db: Db;
  readonly next: NextHandler;
  /** Null when WORKER_IN_SERVER=0. */
  readonly worker: InServerWorker | null;
  /** This process's metrics: REST requests and live streams are recorded here. */
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Where the REST rate limit counts (RATE_LIMIT_STORE); a new in-process store when absent. */
  readonly limitStore?: LimitStore;
  /** How long the worker may be starting or retrying before /healthz fails (tests). */
  readonly workerGraceMs?: number;
}

export interface AppServer {
  readonly server: Server;
  listen(): Promise<AddressInfo>;
  /**
   * Stops accepting, ends live streams with a reconnection hint, waits for the requests in
   * flight (at most SHUTDOWN_TIMEOUT_SECONDS, then closes their connections) while the worker
   * finishes its current work. Resolves to whether every request finished in time.
   */
  close(): Promise<{ drained: boolean }>;
}

function sendEnvelope(
  res: ServerResponse,
  status: number,
  reason: Parameters<typeof errorEnvelope>[0],
  message?: string,
): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(errorEnvelope(reason, message));
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    // Whatever it was doing, this connection is not worth keeping.
    connection: "close",
  });
  res.end(payload);
}

export function createAppServer(options: AppServerOptions): AppServer {
  const { settings, db, log } = options;
  const bounds = settings.server;
  const routes = restRoutes(settings.rest.capabilityPrefix);
  const rest = {
    db: db.prisma,
    secrets: createAppSecretCache(db.prisma),
    config: settings.rest,
    settings: domainSettings(settings),
    limiter:
      settings.rest.rateLimit === null
        ? null
        : new AppRateLimiter(settings.rest.rateLimit, {
            log,
            onUnchecked: () => options.metrics.observeRateLimitUnchecked(),
            ...(options.limitStore === undefined ? {} : { store: options.limitStore }),
          }),
    metrics: options.metrics,
    usage: new UsageRecorder((rows) => addAppUsage(db.prisma, rows), log),
    log,
  };
  rest.usage.start();
  const userStreams = { db: db.prisma, settings: rest.settings, log };
  const trust = compileTrust(settings.proxy.trust);
  const streams = new EventStreams();
  options.metrics.trackLiveStreams(() => streams.size);
  const inFlight = new Set<ServerResponse>();
  /** Connections upgraded to WebSocket (Next.js's HMR in `pnpm dev`); HTTP no longer tracks them. */
  const upgraded = new Set<Duplex>();
  let stopping = false;
  const health = healthChecker({
    db,
    worker: options.worker,
    stopping: () => stopping,
    ...(options.workerGraceMs === undefined ? {} : { workerGraceMs: options.workerGraceMs }),
  });

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    expectsContinue: boolean,
  ): Promise<void> {
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
    // While shutting down, every answer closes its connection.
    if (stopping) res.setHeader("connection", "close");
    const { path, rawQuery } = splitRequestTarget(req.url ?? "/");

    if (path === "/healthz") return serveHealthz(health, res);
    if (path === METRICS_PATH) {
      // Only behind METRICS_TOKEN on this port (METRICS_PORT serves them on a port of its own).
      const token = settings.metrics.token;
      if (token === null) return sendEnvelope(res, 404, "NOT_FOUND", "no such endpoint");
      return serveMetrics(options.metrics.registry, token, req, res);
    }

    const route = routes.match(path);
    if (route !== null) {
      return serveRest(rest, { route, path, rawQuery, expectsContinue }, req, res);
    }

    // Next.js sees the client as resolved here, never as the request claims. (Its bodies are
    // bounded where they are read: the tRPC endpoint caps its own at 1 MiB.)
    applyResolvedClient(req, resolveClient(req, trust));
    if (isEventStreamRequest(req)) {
      if (stopping) return answerWithReconnectHint(res);
      streams.track(res);
      if (isUserStreamRequest(path)) return serveUserStream(userStreams, req, res, rawQuery);
    }
    if (expectsContinue) res.writeContinue();
    return options.next(req, res);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
    handle(req, res, expectsContinue).catch((error: unknown) => {
      // The path only: a query may carry a user token (a subscription's connectionParams).
      const path = (req.url ?? "").split("?", 1)[0]?.slice(0, 200);
      log.error({ err: error, url: path }, "unhandled error");
      sendEnvelope(res, 500, "INTERNAL");
    });
  };

  const server = createServer({
    maxHeaderSize: MAX_HEADER_BYTES,
    // Check the headers and request timeouts every second (Node's default: every 30 s).
    connectionsCheckingInterval: 1_000,
  });
  server.headersTimeout = bounds.headersTimeoutMs;
  server.requestTimeout = bounds.requestTimeoutMs;
  server.keepAliveTimeout = bounds.keepAliveTimeoutMs;
  server.maxConnections = bounds.maxConnections;
  server.on("request", (req, res) => onRequest(req, res, false));
  // Next.js answers upgrades itself (its HMR socket in development; in production it closes
  // them): this listener only keeps count, so a shutdown can close them, and closes one nobody
  // else listens for (Next.js registers its own on the first request).
  server.on("upgrade", (_req: IncomingMessage, socket: Duplex) => {
    upgraded.add(socket);
    socket.once("close", () => upgraded.delete(socket));
    setImmediate(() => {
      if (server.listenerCount("upgrade") === 1) socket.destroy();
    });
  });
  // Expect: 100-continue: the go-ahead is given only when the body will be read (a REST request
  // once authenticated), so a refused client never sends it.
  server.on("checkContinue", (req, res) => onRequest(req, res, true));

  return {
    server,
    listen() {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(settings.server.port, settings.server.host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close() {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Node closes the connections idle now; these sweeps close those that become idle later
      // (a kept-alive connection whose last answer was already under way).
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      for (const res of inFlight) {
        if (!res.headersSent) res.setHeader("connection", "close");
      }
      streams.endAll();
      for (const socket of upgraded) socket.destroy();
      const workerStopped = options.worker?.stop() ?? Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        closed.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), settings.server.shutdownTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      clearInterval(sweep);
      if (!drained) {
        log.warn(
          { open: inFlight.size },
          "requests still in flight at the shutdown timeout: closing",
        );
        server.closeAllConnections();
      }
      await workerStopped;
      // The last counts, once no request can add to them.
      await rest.usage.close();
      return { drained };
    },
  };
}
