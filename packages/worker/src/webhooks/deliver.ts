import type { LookupFunction } from "node:net";
import {
  STANDARD_WEBHOOK_ID_HEADER,
  STANDARD_WEBHOOK_SIGNATURE_HEADER,
  STANDARD_WEBHOOK_TIMESTAMP_HEADER,
  WEBHOOK_ATTEMPT_HEADER,
  WEBHOOK_EVENT_ID_HEADER,
  type WebhookEvent,
} from "@collab/contracts";
import type { WebhookEventRow } from "@collab/db";
import { webhookEvent } from "@collab/domain";
import { signRequestHeaders } from "@collab/hiar-auth";
import { fetch, type Response } from "undici";
import { describeError } from "../log";
import { privateDestinationCause, refuseIpLiteral, webhookDispatcher } from "./destination";
import { standardWebhookSignature } from "./signature";

/** The JSON body of one event's webhook POST (contracts' WebhookEvent; the domain's mapping). */
export function webhookEventBody(appId: string, sessionId: string, row: WebhookEventRow) {
  return webhookEvent(
    { appID: appId, collaborationID: row.collaborationId, sessionID: sessionId },
    row,
  );
}

export interface DeliveryResult {
  /** The receiver answered 2xx. */
  readonly ok: boolean;
  /** Its status; null when it did not answer. */
  readonly httpStatus: number | null;
  readonly durationMs: number;
  /** Why it failed (never the secret or the signature); null on success. */
  readonly error: string | null;
  /** Not attempted: the destination is in a private network (and those are not allowed). */
  readonly refused: boolean;
}

/** Bytes of a receiver's answer read before the connection is dropped (we ignore the body). */
const MAX_RESPONSE_BYTES = 64 * 1024;

async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (reader === undefined) return;
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => {});
      return;
    }
  }
}

/**
 * POSTs one event to `url`, signed twice with the app's secret: exactly as a HiAR client signs a
 * request (X-HIAR-OPENAPI-APPID/NONCE/DATE/SIGNATURE over POST, the URL's path and query, a fresh
 * nonce and the current date per attempt), so the receiver can verify it with @collab/hiar-auth's
 * verifyRequest; and by Standard Webhooks (webhook-id = the event id, webhook-timestamp = this
 * attempt's unix seconds, webhook-signature over both and the exact body bytes sent), which the
 * SDK's receiveWebhook or any Standard Webhooks library verifies. Success is a 2xx within
 * `timeoutMs`; redirects are not followed (a 3xx is a failure). Unless `allowPrivateNetworks`, it
 * connects only to public unicast addresses, checked on every address the host resolves to when
 * connecting (destination.ts); a refused destination is a failure with `refused` and the reason,
 * and no connection. Never throws.
 */
export async function postWebhook(request: {
  readonly url: string;
  readonly appId: string;
  readonly secret: string;
  readonly body: WebhookEvent;
  readonly attempt: number;
  readonly timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: connect anywhere (development, tests). */
  readonly allowPrivateNetworks: boolean;
  /** Resolves the URL's host instead of dns.lookup (tests). */
  readonly resolve?: LookupFunction;
}): Promise<DeliveryResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const refused = (reason: string): DeliveryResult => ({
    ok: false,
    httpStatus: null,
    durationMs: elapsed(),
    error: reason,
    refused: true,
  });
  if (!request.allowPrivateNetworks) {
    let literal: Error | null = null;
    try {
      literal = refuseIpLiteral(new URL(request.url));
    } catch {
      // Not a URL: fetch below says so.
    }
    if (literal !== null) return refused(literal.message);
  }
  const { dispatcher, shared } = webhookDispatcher({
    allowPrivateNetworks: request.allowPrivateNetworks,
    ...(request.resolve === undefined ? {} : { resolve: request.resolve }),
  });
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    // One clock reading for both schemes' times; the body is signed as the bytes that are sent.
    const now = new Date();
    const timestamp = Math.floor(now.getTime() / 1000);
    const body = Buffer.from(JSON.stringify(request.body), "utf8");
    const headers = {
      "content-type": "application/json",
      "user-agent": "collab-webhooks/1",
      [WEBHOOK_EVENT_ID_HEADER]: request.body.eventID,
      [WEBHOOK_ATTEMPT_HEADER]: String(request.attempt),
      ...signRequestHeaders({
        appId: request.appId,
        secret: request.secret,
        method: "POST",
        url: request.url,
        now,
      }),
      [STANDARD_WEBHOOK_ID_HEADER]: request.body.eventID,
      [STANDARD_WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
      [STANDARD_WEBHOOK_SIGNATURE_HEADER]: standardWebhookSignature({
        secrets: [request.secret],
        id: request.body.eventID,
        timestamp,
        body,
      }),
    };
    const response = await fetch(request.url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal,
      dispatcher,
    });
    await drain(response);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      httpStatus: response.status,
      durationMs: elapsed(),
      error: ok ? null : `HTTP ${response.status}`,
      refused: false,
    };
  } catch (error) {
    const privateDestination = privateDestinationCause(error);
    if (privateDestination !== null) return refused(privateDestination.message);
    const timedOut = signal.aborted;
    return {
      ok: false,
      httpStatus: null,
      durationMs: elapsed(),
      error: timedOut
        ? `no answer within ${request.timeoutMs} ms`
        : describeError(error).slice(0, 500),
      refused: false,
    };
  } finally {
    if (!shared) await dispatcher.destroy().catch(() => {});
  }
}
