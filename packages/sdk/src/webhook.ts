import type { Readable } from "node:stream";
import {
  DEFAULT_WINDOW_SECONDS,
  getHeader,
  type HeadersLike,
  splitRequestTarget,
  verifyRequest,
} from "@collab/hiar-auth";
import { MemoryNonceStore, type NonceStore } from "./nonce-store";
import {
  checkStandardWebhookHeaders,
  refuseWebhook,
  type StandardWebhookVerification,
  secretList,
  type VerifyStandardWebhookOptions,
  verifySignedBody,
  type WebhookSecrets,
} from "./standard-webhook";

// The receiving side of the service's webhooks. Each POST carries two signatures made with your
// app secret: the HiAR headers (the scheme the server applies to your calls: signature over
// method, path, query, app id, date and nonce; date window; each nonce accepted once), checked by
// verifyWebhook, and the Standard Webhooks headers, whose signature also covers the body,
// checked by receiveWebhook (or verifyStandardWebhook when you already hold the raw body).

/** A fetch `Request`, or anything shaped like Node's IncomingMessage (url = path and query). */
export type WebhookRequest =
  | Request
  | {
      readonly method?: string | undefined;
      readonly url?: string | undefined;
      readonly headers: HeadersLike;
    };

export interface VerifyWebhookOptions {
  /** Where accepted nonces are kept; default: one in-memory store for the process. */
  readonly nonceStore?: NonceStore;
  /** Allowed clock skew, both ways; default 300 s (the server's). */
  readonly windowSeconds?: number;
  /** When set, the sender's X-HIAR-OPENAPI-APPID must be this app id. */
  readonly appId?: string;
  /** Default: Date.now(). */
  readonly now?: number | Date;
}

export type WebhookVerification =
  | { readonly ok: true; readonly appId: string; readonly nonce: string; readonly date: Date }
  | {
      readonly ok: false;
      readonly reason: "UNAUTHENTICATED" | "REQUEST_EXPIRED" | "NONCE_REUSED";
      /** Safe to send back; never contains the secret or the signature. */
      readonly message: string;
      /** What to answer: 401. */
      readonly httpStatus: 401;
    };

const processNonces = new MemoryNonceStore();

function target(request: WebhookRequest) {
  const url = request.url ?? "/";
  // Node's IncomingMessage has the raw request-target ("/hooks?x=1"); a Request an absolute URL.
  return url.startsWith("/") ? splitRequestTarget(url) : splitRequestTarget(new URL(url));
}

function refuse(reason: "UNAUTHENTICATED" | "REQUEST_EXPIRED" | "NONCE_REUSED", message: string) {
  return { ok: false, reason, message, httpStatus: 401 } as const;
}

/**
 * Checks a webhook's HiAR headers against your app secret. The body is not part of that
 * signature (HiAR's scheme signs method, path, query, app id, date and nonce): also verify the
 * body signature (receiveWebhook), and dedupe events by their id. Does not read the body.
 */
export async function verifyWebhook(
  request: WebhookRequest,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<WebhookVerification> {
  const { path, rawQuery } = target(request);
  const result = await verifyRequest({
    headers: request.headers,
    method: request.method ?? "POST",
    path,
    rawQuery,
    lookupSecret: async () => secret,
    windowSeconds: options.windowSeconds ?? DEFAULT_WINDOW_SECONDS,
    // The receiver's own URL has no capability prefix to be tolerant about.
    capabilityPrefix: null,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  if (!result.ok) return refuse(result.reason, result.message);
  if (options.appId !== undefined && result.appId !== options.appId) {
    return refuse("UNAUTHENTICATED", "X-HIAR-OPENAPI-APPID is not this app's id");
  }
  // Recorded only once the signature holds, so forged requests cannot burn nonces.
  const store = options.nonceStore ?? processNonces;
  const fresh = await store.remember(`${result.appId}\n${result.nonce}`, result.nonceExpiresAtMs);
  if (!fresh) return refuse("NONCE_REUSED", "X-HIAR-OPENAPI-NONCE has already been used");
  return { ok: true, appId: result.appId, nonce: result.nonce, date: new Date(result.dateMs) };
}

/** A fetch `Request`, or Node's IncomingMessage (also Express's, with or without `body`). */
export type ReceivableWebhookRequest =
  | Request
  | (Readable & { readonly headers: HeadersLike; readonly body?: unknown });

export interface ReceiveWebhookOptions extends VerifyStandardWebhookOptions {
  /** The most body bytes read; a larger body is refused unread (413). Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

/** Default `maxBodyBytes`: the service's own request limit; its events are a few KiB. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1_048_576;

const RAW_BODY_GONE =
  "receiveWebhook needs the raw body, but it was already read; verify before any body parser runs, or pass the raw bytes to verifyStandardWebhook";

function tooLarge(max: number) {
  return refuseWebhook("BODY_TOO_LARGE", `the body is larger than ${max} bytes`);
}

/** The body's bytes, or null once it passes `max` (then nothing more is buffered). */
async function readRawBody(
  request: ReceivableWebhookRequest,
  max: number,
): Promise<Uint8Array | null> {
  if ("bodyUsed" in request) {
    if (request.bodyUsed) throw new TypeError(RAW_BODY_GONE);
    if (request.body === null) return new Uint8Array(0);
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks, size);
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(value);
    }
  }
  // Express's express.raw() / text() leave the bytes in `body`; express.json() leaves an object
  // (and the stream read); a parser that skipped the request leaves `{}` and the stream unread.
  const parsed = request.body;
  if (typeof parsed === "string" || parsed instanceof Uint8Array) {
    const bytes = typeof parsed === "string" ? Buffer.from(parsed, "utf8") : parsed;
    return bytes.byteLength > max ? null : bytes;
  }
  if (request.readableEnded || request.readableDidRead) throw new TypeError(RAW_BODY_GONE);
  const stream = request;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      stream.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      size += bytes.byteLength;
      if (size > max) {
        // Stop reading; the answer (413) is the receiver's to send.
        done();
        stream.pause();
        stream.on("error", () => {});
        resolve(null);
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => {
      done();
      reject(new Error("the webhook request closed before its body was read"));
    };
    stream.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/**
 * Receives one webhook: checks its Standard Webhooks headers and time window, reads the raw
 * body (at most `maxBodyBytes`), verifies the body signature with your app secret in constant
 * time, and only then parses the body into a typed event. Call it before any body parser
 * (or, with Express, after `express.raw()`); it refuses with a reason and the status to answer.
 * The HiAR headers are a separate check (`verifyWebhook`, which does not read the body).
 */
export async function receiveWebhook(
  request: ReceivableWebhookRequest,
  secret: WebhookSecrets,
  options: ReceiveWebhookOptions = {},
): Promise<StandardWebhookVerification> {
  secretList(secret);
  const signed = checkStandardWebhookHeaders(request.headers, options);
  if ("ok" in signed) return signed;
  const max = options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  const declared = getHeader(request.headers, "content-length");
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > max) {
    return tooLarge(max);
  }
  const body = await readRawBody(request, max);
  if (body === null) return tooLarge(max);
  return verifySignedBody(signed, body, secret);
}
