import type { IncomingMessage, ServerResponse } from "node:http";
import { CONSOLE_ENDPOINT_LIMITS } from "@collab/api";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { handleTrpcRequest } from "../server/trpc-endpoint";

// The user channel's streams (`GET /api/trpc/user.onEvent`, SSE) answered by the entry itself,
// with the endpoint's own handler (src/server/trpc-endpoint.ts: the same router, context, errors
// and log lines as through Next.js). A device holds its stream for hours and a server holds
// thousands of them: through Next.js's route handler each cost ~150 KiB and CPU per ping and per
// event; here the request becomes a fetch Request (tRPC's node adapter) and the answer's body is
// written to the socket as it comes (docs/user-channel.md, "Bounds").

const USER_STREAM_PATH = "/api/trpc/user.onEvent";

/** A user channel subscription (what the entry answers here rather than hand to Next.js). */
export function isUserStreamRequest(path: string): boolean {
  return path === USER_STREAM_PATH;
}

export async function serveUserStream(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
