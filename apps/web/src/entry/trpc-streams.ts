import type { IncomingMessage, ServerResponse } from "node:http";
import {
  CONSOLE_ENDPOINT_LIMITS,
  parseUserEventStreamRequest,
  SSE_HEADERS,
  streamUserEvents,
  USER_EVENT_STREAM_PATH,
} from "@collab/api";
import type { Database } from "@collab/db";
import type { DomainSettings } from "@collab/domain";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import type { Logger } from "pino";
import { traceIdFrom } from "../server/trace";
import { handleTrpcRequest, logTrpcError } from "../server/trpc-endpoint";

// The user channel's streams (`GET /api/trpc/user.onEvent`, SSE) answered by the entry itself.
// A device holds its stream for hours and a server holds thousands of them: through Next.js's
// route handler each cost ~150 KiB, through tRPC's fetch handler ~70 KiB (its SSE pipeline of
// web streams and generators); here the procedure is called through the router's caller and its
// events written straight to the socket in tRPC's format (@collab/api's streamUserEvents), ~25
// KiB (docs/user-channel.md, "How a stream is served"). A request in any other shape (a batch,
// malformed parameters) goes to the endpoint's own handler, which answers it as tRPC does.

const USER_STREAM_PATH = `/api/trpc/${USER_EVENT_STREAM_PATH}`;

/** A user channel subscription (what the entry answers here rather than hand to Next.js). */
export function isUserStreamRequest(path: string): boolean {
  return path === USER_STREAM_PATH;
}

export interface UserStreamDeps {
  readonly db: Database;
  readonly settings: DomainSettings;
  readonly log: Logger;
}

export async function serveUserStream(
  deps: UserStreamDeps,
  req: IncomingMessage,
  res: ServerResponse,
  rawQuery: string,
): Promise<void> {
  const lastEventId = req.headers["last-event-id"];
  const request = parseUserEventStreamRequest(new URLSearchParams(rawQuery), {
    authorization: req.headers.authorization,
    lastEventId: Array.isArray(lastEventId) ? lastEventId[0] : lastEventId,
  });
  if (request === null) return serveThroughTrpc(req, res);

  const traceId = traceIdFrom(req.headers);
  const leave = new AbortController();
  const left = () => leave.abort();
  res.once("close", left);
  res.writeHead(200, { ...SSE_HEADERS, trace: traceId });
  try {
    await streamUserEvents({
      context: { db: deps.db, trace: { id: traceId }, settings: deps.settings },
      request,
      sink: {
        write: (event) => !res.writableEnded && !res.destroyed && res.write(event),
        drained: () => drained(res),
      },
      signal: leave.signal,
      onError: (error) => logTrpcError(deps.log, traceId, error, USER_EVENT_STREAM_PATH),
    });
  } finally {
    res.off("close", left);
    if (!res.destroyed) res.end();
  }
}

/** The endpoint's own handler (the same router and answers as through Next.js). */
async function serveThroughTrpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Aborts the request's signal (and so the subscription) when the client goes away.
  const request = incomingMessageToRequest(req, res, {
    maxBodySize: CONSOLE_ENDPOINT_LIMITS.maxBodyBytes,
  });
  const response = await handleTrpcRequest(request);
  await sendResponse(response, res);
}

async function sendResponse(response: Response, res: ServerResponse): Promise<void> {
  if (res.destroyed) {
    await response.body?.cancel().catch(() => {});
    return;
  }
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  const body = response.body;
  if (body === null) {
    res.end();
    return;
  }
  const reader = body.getReader();
  const gone = () => {
    reader.cancel().catch(() => {});
  };
  res.once("close", gone);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await drained(res);
    }
  } catch {
    // The stream failed or was cancelled (the client left): nothing more to send.
  } finally {
    res.off("close", gone);
    if (!res.destroyed) res.end();
  }
}

function drained(res: ServerResponse): Promise<void> {
  // Ended (a shutdown's reconnection hint) or gone: nothing will drain, nothing waits.
  if (res.destroyed || res.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}
