import {
  DEFAULT_WINDOW_SECONDS,
  type HeadersLike,
  splitRequestTarget,
  verifyRequest,
} from "@collab/hiar-auth";
import { MemoryNonceStore, type NonceStore } from "./nonce-store";

// The receiving side of the service's webhooks: they are POSTs signed with the same HiAR scheme
// (your app's id and secret), so a receiver checks them with the same rules the server applies
// to your calls: signature, date window, and each nonce accepted once.

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
 * Checks a webhook's HiAR headers against your app secret. The body is not part of the
 * signature (HiAR's scheme signs method, path, query, app id, date and nonce): receive webhooks
 * over HTTPS, and dedupe events by their id.
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
