import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

// GET /metrics: the registry in Prometheus's text format. On the server's own port it requires
// `Authorization: Bearer <METRICS_TOKEN>`; on a separate port (METRICS_PORT, meant for a private
// interface) the token is required only when one is set. See the README's "Metrics".

export const METRICS_PATH = "/metrics";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Compares in constant time whatever the lengths (both sides are hashed first). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  const given = match?.[1] ?? "";
  return timingSafeEqual(digest(given), digest(token)) && given !== "";
}

function answer(res: ServerResponse, status: number, body: string, headers = {}): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(body);
}

/**
 * Answers a request for METRICS_PATH: 405 for a method other than GET/HEAD, 401 without the
 * bearer token (when `token` is not null), else the registry's exposition.
 */
export async function serveMetrics(
  registry: Registry,
  token: string | null,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return answer(res, 405, "GET only\n", { allow: "GET, HEAD" });
  }
  if (token !== null && !bearerMatches(req.headers.authorization, token)) {
    return answer(res, 401, "a bearer token is required\n", {
      "www-authenticate": 'Bearer realm="metrics"',
    });
  }
  const body = await registry.metrics();
  res.writeHead(200, {
    "content-type": registry.contentType,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

export interface MetricsServer {
  readonly address: AddressInfo;
  close(): Promise<void>;
}

/**
 * Serves METRICS_PATH alone on its own port (METRICS_PORT), for a scraper on a private network:
 * every other path is 404. Bounded like the main server: headers within 10 s, the whole request
 * within 30 s, at most 64 connections.
 */
export async function startMetricsServer(options: {
  readonly registry: Registry;
  readonly port: number;
  readonly host?: string;
  readonly token: string | null;
  readonly onError?: (error: unknown) => void;
}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path !== METRICS_PATH) return answer(res, 404, "not found\n");
    serveMetrics(options.registry, options.token, req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) answer(res, 500, "metrics unavailable\n");
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxConnections = 64;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
