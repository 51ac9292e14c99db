import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  EMPTY_ANY,
  errorResponse,
  HiarError,
  InviteSessionRequest,
  LIMITS,
  parseOrThrow,
  successEnvelope,
} from "@collab/contracts";
import { authenticate } from "./auth";
import { type InviteEnv, invite } from "./invite";

// POST /session/invite with the project's order of checks: body cap (413) → JSON only (415) →
// JSON (400) → signature, date, nonce (401) → contract (400) → invite → envelope.

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > LIMITS.maxBodyBytes) throw new HiarError("PAYLOAD_TOO_LARGE");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HiarError("INVALID_PARAM", "request body: is not valid JSON");
  }
}

async function handleInvite(env: InviteEnv, req: IncomingMessage, traceId: string): Promise<void> {
  const raw = await readBody(req);
  const mediaType = req.headers["content-type"]?.split(";", 1)[0]?.trim() ?? "";
  if (!JSON_MEDIA_TYPE.test(mediaType)) throw new HiarError("UNSUPPORTED_MEDIA_TYPE");
  const json = parseJson(raw);
  const appId = await authenticate(env.pool, req);
  await invite(env, appId, parseOrThrow(InviteSessionRequest, json), traceId);
}

export function createHandler(env: InviteEnv) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const traceId = randomUUID().replaceAll("-", "");
    let status = 200;
    let body: unknown;
    if (req.method === "GET" && req.url === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      return;
    }
    try {
      if (req.method !== "POST" || req.url !== "/session/invite") {
        throw new HiarError("NOT_FOUND", "no such endpoint");
      }
      await handleInvite(env, req, traceId);
      body = successEnvelope(EMPTY_ANY);
    } catch (error) {
      const mapped = errorResponse(error);
      if (mapped.httpStatus >= 500) console.error(error);
      status = mapped.httpStatus;
      body = mapped.body;
    }
    res.writeHead(status, { "content-type": "application/json", trace: traceId });
    res.end(JSON.stringify(body));
  };
}
