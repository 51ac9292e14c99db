import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { toHiarError } from "@collab/api";
import { errorResponse, HiarError, LIMITS, parseOrThrow, successEnvelope } from "@collab/contracts";
import { type AppSecretCache, type Database, sessionEventSignalFor } from "@collab/db";
import type { DomainSettings } from "@collab/domain";
import { type Metrics, OK_REASON, UNKNOWN_OPERATION } from "@collab/metrics";
import type { RestSettings } from "@collab/settings";
import { inRequestSpan } from "@collab/tracing";
import { type Span, SpanStatusCode } from "@opentelemetry/api";
import type { Logger } from "pino";
import { traceIdFrom } from "../trace";
import { authenticate } from "./authenticate";
import type { AppRateLimiter } from "./rate-limit";
import { assertJsonContentType, parseJsonBody, readBodyCapped } from "./read-body";
import type { RestRoute } from "./routes";
import type { UsageRecorder } from "./usage";

/** Retry-After of UNAVAILABLE (and of a RATE_LIMITED the limiter did not time). */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** Longest route name logged for a path that names no operation. */
const MAX_LOGGED_PATH = 200;

/**
 * A body the server decided not to read (the request was refused first) is discarded, not
 * parsed, for at most this many more bytes and this long, so the client can finish sending and
 * read the answer; past either, its connection is reset. Twice the body cap: a client that sends
 * a little over the cap still reads its 413.
 */
export const DISCARD_LIMITS = Object.freeze({ bytes: 2 * LIMITS.maxBodyBytes, ms: 5_000 });

export interface RestDependencies {
  readonly db: Database;
  /** App secrets for authentication, cached for a few seconds (createAppSecretCache). */
  readonly secrets: AppSecretCache;
  readonly config: Pick<RestSettings, "dateWindowSeconds" | "capabilityPrefix">;
  /** The deployment's settings the use cases depend on (their context's `settings`). */
  readonly settings: DomainSettings;
  /** Null: no per-app limit. */
  readonly limiter: AppRateLimiter | null;
  /** Every answer is counted here (by operation, status and reason) with its duration. */
  readonly metrics?: Metrics;
  /** Each authenticated request is counted for its app's usage per day. */
  readonly usage?: UsageRecorder;
  readonly log: Logger;
}

export interface RestRequest {
  readonly route: RestRoute;
  readonly path: string;
  readonly rawQuery: string;
  /** The client sent `Expect: 100-continue`: it waits for our go-ahead before the body. */
  readonly expectsContinue: boolean;
}

/**
 * Serves one request of the REST API, in this order: route and method (404) → HiAR headers:
 * signature, date window, app, then the nonce, spent for every authenticated request (401) → the
 * app's token bucket (429 + Retry-After) → Content-Type (415) → body, at most 1 MiB (413) →
 * UTF-8 and JSON within JSON_BOUNDS (400) → the contract, once (400, naming the field) → the use
 * case → envelope. Nothing of the body is read before the request is authenticated. Every answer
 * carries `trace`; every request logs one line (trace, app, route, status, code, duration),
 * never a secret or a signature.
 */
export async function serveRest(
  deps: RestDependencies,
  request: RestRequest,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const startedAt = performance.now();
  const traceId = traceIdFrom(req.headers);
  const { route } = request;
  // Operation paths only in metrics and span names: a path that names none must not add series.
  const operation = route.kind === "operation" ? route.operation.path : UNKNOWN_OPERATION;
  return inRequestSpan(
    {
      name: `POST ${operation}`,
      headers: req.headers,
      hiarTrace: traceId,
      attributes: { "http.request.method": req.method ?? "", "http.route": operation },
    },
    (span) => answerRest(deps, request, req, res, { startedAt, traceId, operation, span }),
  );
}

async function answerRest(
  deps: RestDependencies,
  request: RestRequest,
  req: IncomingMessage,
  res: ServerResponse,
  context: {
    readonly startedAt: number;
    readonly traceId: string;
    readonly operation: string;
    readonly span: Span;
  },
): Promise<void> {
  const { startedAt, traceId, operation, span } = context;
  const { route } = request;
  const routeName =
    route.kind === "operation" ? route.operation.path : request.path.slice(0, MAX_LOGGED_PATH);
  let appId: string | undefined;
  let status = 200;
  let payload: string;
  let failure: HiarError | undefined;
  let retryAfterSeconds: number | undefined;

  try {
    if (route.kind === "unknown") throw new HiarError("NOT_FOUND", "no such endpoint");
    if (req.method !== "POST") {
      throw new HiarError("NOT_FOUND", `no such endpoint: ${route.operation.path} takes POST`);
    }
    appId = (
      await authenticate(
        {
          method: req.method,
          path: request.path,
          rawQuery: request.rawQuery,
          headers: req.headers,
        },
        deps,
      )
    ).appId;
    const limited = await deps.limiter?.take(appId);
    if (limited !== undefined && !limited.allowed) {
      retryAfterSeconds = limited.retryAfterSeconds;
      const { perSecond, burst } = deps.limiter?.config ?? { perSecond: 0, burst: 0 };
      throw new HiarError(
        "RATE_LIMITED",
        `too many requests for this app (at most ${perSecond} a second, bursts of ${burst})`,
      );
    }
    assertJsonContentType(req);
    if (request.expectsContinue) res.writeContinue();
    const json = parseJsonBody(await readBodyCapped(req));
    const input = parseOrThrow(route.operation.request, json);
    const data = await route.rest.run(
      { db: deps.db, app: { id: appId }, trace: { id: traceId }, settings: deps.settings },
      // The route pairs the operation's contract with its use case; `input` is that contract's
      // output (the lookup by path is what loses the pairing's type).
      input as never,
    );
    payload = JSON.stringify(successEnvelope(data));
    // Committed: live readers (the user channel, webhooks) of every instance read now.
    if (route.rest.writesEvents) sessionEventSignalFor(deps.db).notify();
  } catch (error) {
    failure = toHiarError(error);
    const mapped = errorResponse(failure);
    status = mapped.httpStatus;
    payload = JSON.stringify(mapped.body);
    if (failure.reason === "INTERNAL") {
      // The stack stays in the server log; the caller sees only the catalogue's message.
      deps.log.error({ trace: traceId, route: routeName, err: error }, "unhandled error");
    }
  }

  const headers: OutgoingHttpHeaders = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    trace: traceId,
  };
  if (failure?.reason === "UNAVAILABLE" || failure?.reason === "RATE_LIMITED") {
    retryAfterSeconds ??= DEFAULT_RETRY_AFTER_SECONDS;
  }
  if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
  const durationMs = performance.now() - startedAt;
  deps.metrics?.observeRequest({
    operation,
    status,
    reason: failure?.reason ?? OK_REASON,
    seconds: durationMs / 1_000,
  });
  if (appId !== undefined) deps.usage?.record(appId, status >= 400);
  span.setAttribute("http.response.status_code", status);
  if (appId !== undefined) span.setAttribute("hiar.app_id", appId);
  if (failure !== undefined) {
    span.setAttribute("error.type", failure.reason);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: failure.reason });
  }
  // Logged before the answer leaves: whoever reads the answer finds the line already written.
  deps.log.info({
    trace: traceId,
    app: appId,
    route: routeName,
    status,
    code: failure?.code ?? 0,
    durationMs: Math.round(durationMs * 100) / 100,
  });
  if (res.headersSent || res.destroyed) return;
  // A body left unread (refused before it) is not worth keeping the connection for.
  if (!bodyPending(req)) {
    res.writeHead(status, headers);
    res.end(payload);
    return;
  }
  headers.connection = "close";
  res.writeHead(status, headers);
  res.write(payload);
  endAfterDiscardingBody(req, res);
}

/** Whether the request has body bytes the server has not received yet. */
export function bodyPending(req: IncomingMessage): boolean {
  if (req.complete) return false;
  return (
    req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0
  );
}

/**
 * Ends a response whose answer is already written (its Content-Length tells the client it is
 * whole) once the rest of the request's body has arrived, discarded unparsed, within
 * DISCARD_LIMITS; past either limit the connection is reset. Closing with unread bytes in the
 * socket would make the kernel answer them with a reset, which can reach the client before it
 * has read the answer and destroy it there ("lingering close", RFC 9112 §9.6).
 */
export function endAfterDiscardingBody(req: IncomingMessage, res: ServerResponse): void {
  let discarded = 0;
  const reset = () => req.socket.destroy();
  const timer = setTimeout(reset, DISCARD_LIMITS.ms);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMITS.bytes) reset();
  });
  req.once("end", () => {
    clearTimeout(timer);
    res.end();
  });
  req.once("close", () => clearTimeout(timer));
  req.resume();
}
