import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  EMPTY_ANY,
  errorResponse,
  HiarError,
  InviteSessionRequest,
  parseOrThrow,
  successEnvelope,
} from "@collab/contracts";
import { splitRequestTarget } from "@collab/hiar-auth";
import type pg from "pg";
import { type AuthEnv, authenticate } from "./auth";
import { invite } from "./invite";
import { assertJsonContentType, parseJsonBody, readBodyCapped } from "./project";

// POST /session/invite in the project's order of checks (apps/web's server/rest/dispatch.ts):
// route and method (404) → signature, date, app, nonce, from the headers alone (401) →
// Content-Type (415) → body, at most 1 MiB (413) → UTF-8 and bounded JSON (400) → the contract,
// once (400) → the invite → envelope. No per-app rate limit (the benchmark turns the project's
// off) and no log line (the project writes one per request: part of what it costs).

export interface BaselineEnv {
  readonly pool: pg.Pool;
  readonly auth: AuthEnv;
}

const INVITE_PATH = "/session/invite";

async function handleInvite(
  env: BaselineEnv,
  req: IncomingMessage,
  target: { path: string; rawQuery: string },
  traceId: string,
): Promise<void> {
  const appId = await authenticate(env.auth, {
    method: req.method ?? "",
    path: target.path,
    rawQuery: target.rawQuery,
    headers: req.headers,
  });
  assertJsonContentType(req);
  const json = parseJsonBody(await readBodyCapped(req));
  await invite(env.pool, appId, parseOrThrow(InviteSessionRequest, json), traceId);
}

export function createHandler(env: BaselineEnv) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = splitRequestTarget(req.url ?? "/");
    const { path } = target;
    if (req.method === "GET" && path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      return;
    }
    let status = 200;
    let body: unknown;
    const traceId = randomUUID().replaceAll("-", "");
    try {
      if (path !== INVITE_PATH) throw new HiarError("NOT_FOUND", "no such endpoint");
      if (req.method !== "POST") {
        throw new HiarError("NOT_FOUND", `no such endpoint: ${INVITE_PATH} takes POST`);
      }
      await handleInvite(env, req, target, traceId);
      body = successEnvelope(EMPTY_ANY);
    } catch (error) {
      const mapped = errorResponse(error);
      if (mapped.httpStatus >= 500) console.error(error);
      status = mapped.httpStatus;
      body = mapped.body;
    }
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(payload),
      trace: traceId,
    });
    res.end(payload);
  };
}
