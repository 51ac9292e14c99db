import * as z from "zod";
import { MEMBER_SESSION_STATES } from "./enums";
import { StorableString } from "./scalars";

// Webhooks: the console's settings and delivery log (tRPC), and the JSON body the service POSTs
// to an app's webhook URL for every session event.

/** Longest webhook URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** webhook.set: an absolute http(s) URL, or null / "" to remove the webhook. */
export const SetWebhookRequest = z.object({
  url: StorableString.trim()
    .max(MAX_WEBHOOK_URL_LENGTH, { error: `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters` })
    .refine((value) => value === "" || /^https?:\/\/[^\s]+$/i.test(value), {
      error: "must be an http(s) URL",
    })
    .nullable(),
});
export type SetWebhookRequest = z.output<typeof SetWebhookRequest>;

/** webhook.get: the URL and the outbox backlog. */
export const WebhookSettings = z.object({
  url: z.string().nullable(),
  pendingSessions: z.int(),
  failingSessions: z.int(),
  pendingEvents: z.int(),
});
export type WebhookSettings = z.output<typeof WebhookSettings>;

export const WEBHOOK_OUTCOMES = ["DELIVERED", "FAILED", "ABANDONED"] as const;

/** webhook.deliveries: a page of attempts, newest first. */
export const WebhookDeliveriesRequest = z.object({
  limit: z.int().min(1).max(100).default(50),
  /** Cursor: the `id` of the last attempt of the previous page. */
  before: StorableString.regex(/^\d{1,19}$/, {
    error: "must be an attempt id (a decimal integer)",
  }).nullish(),
  sessionID: StorableString.max(64).nullish(),
});
export type WebhookDeliveriesRequest = z.output<typeof WebhookDeliveriesRequest>;
export type WebhookDeliveriesRequestInput = z.input<typeof WebhookDeliveriesRequest>;

export const WebhookDelivery = z.object({
  /** The attempt's id (a decimal string; the page cursor). */
  id: z.string(),
  eventID: z.string(),
  sessionID: z.string(),
  seq: z.int(),
  type: z.string(),
  url: z.string(),
  /** 1 for the event's first attempt. */
  attempt: z.int(),
  outcome: z.enum(WEBHOOK_OUTCOMES),
  /** The receiver's HTTP status; null when it did not answer (timeout, network error). */
  httpStatus: z.int().nullable(),
  durationMs: z.int(),
  error: z.string().nullable(),
  /** RFC 3339. */
  time: z.string(),
});
export type WebhookDelivery = z.output<typeof WebhookDelivery>;

export const WebhookDeliveries = z.object({
  deliveries: z.array(WebhookDelivery),
  /** Pass as `before` for the next page; null on the last page. */
  next: z.string().nullable(),
});
export type WebhookDeliveries = z.output<typeof WebhookDeliveries>;

/** Header naming the event in every webhook POST (also in the body), for deduplication. */
export const WEBHOOK_EVENT_ID_HEADER = "X-HIAR-WEBHOOK-EVENT-ID";
/** Header with the attempt number (1, 2, …) of the delivery. */
export const WEBHOOK_ATTEMPT_HEADER = "X-HIAR-WEBHOOK-ATTEMPT";

// Standard Webhooks (standardwebhooks.com, spec 1.0.0), sent alongside the HiAR headers because
// HiAR's signature does not cover the body. Signed content: `{webhook-id}.{webhook-timestamp}.`
// followed by the exact body bytes; key: the app's secret as issued, as UTF-8 bytes (the same key
// HiAR's HMAC uses); for libraries that take a `whsec_` secret that is "whsec_" + base64(secret).

/** The event's id (the body's `eventID`, as X-HIAR-WEBHOOK-EVENT-ID): the same on every retry. */
export const STANDARD_WEBHOOK_ID_HEADER = "webhook-id";
/** Unix seconds of this attempt (not of the event): what a receiver's tolerance window checks. */
export const STANDARD_WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp";
/** Space-separated `v1,<base64 HMAC-SHA256>` signatures; one matching is enough (key rotation). */
export const STANDARD_WEBHOOK_SIGNATURE_HEADER = "webhook-signature";
/** Version tag of a symmetric (HMAC-SHA256) signature in webhook-signature. */
export const STANDARD_WEBHOOK_SIGNATURE_VERSION = "v1";
/** Prefix of a Standard Webhooks symmetric secret (the base64 of the key bytes follows). */
export const STANDARD_WEBHOOK_SECRET_PREFIX = "whsec_";

/**
 * The JSON body POSTed to an app's webhook URL for one session event. Two signatures, both with
 * the app's secret: the HiAR headers (X-HIAR-OPENAPI-APPID/NONCE/DATE/SIGNATURE) over the webhook
 * URL's path and query, exactly as a client signs a request to the service (not the body), and
 * the Standard Webhooks headers above over the event id, the attempt's time and the body bytes.
 */
export const WebhookEvent = z.object({
  /** Unique per event, the same on every retry: deduplicate by it. */
  eventID: z.string(),
  /** Dotted event type, e.g. "member.invited", "member.timeout", "session.ended". */
  type: z.string(),
  appID: z.string(),
  collaborationID: z.string(),
  sessionID: z.string(),
  /** The session's sequence number: 1, 2, 3, … without gaps; delivered in this order. */
  seq: z.int(),
  /** When the event happened (RFC 3339, UTC, milliseconds). */
  time: z.string(),
  /** Who caused it; null when the server did (a calling timeout). */
  actorID: z.string().nullable(),
  /** Whom it is about, if anyone. */
  subjectID: z.string().nullable(),
  fromState: z.enum(MEMBER_SESSION_STATES).nullable(),
  toState: z.enum(MEMBER_SESSION_STATES).nullable(),
  /** Trace id of the request that caused it; null for server-initiated events. */
  traceID: z.string().nullable(),
  /** Event details (as in the session's event log). */
  payload: z.unknown(),
});
export type WebhookEvent = z.output<typeof WebhookEvent>;
