import { createHmac, timingSafeEqual } from "node:crypto";
import {
  STANDARD_WEBHOOK_ID_HEADER,
  STANDARD_WEBHOOK_SECRET_PREFIX,
  STANDARD_WEBHOOK_SIGNATURE_HEADER,
  STANDARD_WEBHOOK_SIGNATURE_VERSION,
  STANDARD_WEBHOOK_TIMESTAMP_HEADER,
  WebhookEvent,
} from "@collab/contracts";
import { getHeader, type HeadersLike } from "@collab/hiar-auth";

// The body-covering signature of the service's webhooks (Standard Webhooks, symmetric "v1"):
// webhook-signature = "v1," + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}." + body)),
// possibly several, space-separated. The key is your app secret as issued, as UTF-8 bytes.

/** Default tolerance between webhook-timestamp and the receiver's clock, both ways (seconds). */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/** Why a webhook's body signature was refused. */
export type StandardWebhookRefusal =
  /** webhook-id, webhook-timestamp or webhook-signature is absent or malformed. */
  | "SIGNATURE_MISSING"
  /** webhook-timestamp is further from the receiver's clock than the tolerance (a replay, or skew). */
  | "TIMESTAMP_OUTSIDE_WINDOW"
  /** No signature matches: the body, id or timestamp was altered, or another secret signed it. */
  | "SIGNATURE_MISMATCH"
  /** The body is larger than the receiver reads (`maxBodyBytes`); nothing was verified. */
  | "BODY_TOO_LARGE"
  /** Correctly signed, but not a webhook event of this service (or its eventID is not webhook-id). */
  | "INVALID_EVENT";

export type StandardWebhookVerification =
  | {
      readonly ok: true;
      /** webhook-id: the event id, the same on every retry; deduplicate by it. */
      readonly id: string;
      /** webhook-timestamp: when this attempt was sent. */
      readonly timestamp: Date;
      /** The body, parsed only after its signature held. */
      readonly event: WebhookEvent;
    }
  | {
      readonly ok: false;
      readonly reason: StandardWebhookRefusal;
      /** Safe to send back; never contains the secret or a signature. */
      readonly message: string;
      /** What to answer: 401, 413 for BODY_TOO_LARGE, 400 for INVALID_EVENT. */
      readonly httpStatus: 400 | 401 | 413;
    };

export type StandardWebhookFailure = Extract<StandardWebhookVerification, { ok: false }>;

export interface VerifyStandardWebhookOptions {
  /** Accepted distance of webhook-timestamp from now, both ways; default 300 s. */
  readonly toleranceSeconds?: number;
  /** Default: Date.now(). */
  readonly now?: number | Date;
}

/** The raw body as received: bytes, or the string they decode to (UTF-8). Never parsed JSON. */
export type RawBody = string | Uint8Array | ArrayBuffer;

/** Your app secret, or several (e.g. the old and the new one while you change it): any may sign. */
export type WebhookSecrets = string | readonly string[];

/**
 * The same key as a Standard Webhooks secret, `whsec_` + base64(UTF-8 bytes of the app secret),
 * for a receiver that verifies with a Standard Webhooks library (e.g. npm `standardwebhooks`:
 * `new Webhook(standardWebhookSecret(appSecret)).verify(rawBody, headers)`).
 */
export function standardWebhookSecret(appSecret: string): string {
  if (appSecret.length === 0) throw new TypeError("the app secret is empty");
  return `${STANDARD_WEBHOOK_SECRET_PREFIX}${Buffer.from(appSecret, "utf8").toString("base64")}`;
}

export function refuseWebhook(
  reason: StandardWebhookRefusal,
  message: string,
): StandardWebhookFailure {
  const httpStatus = reason === "BODY_TOO_LARGE" ? 413 : reason === "INVALID_EVENT" ? 400 : 401;
  return { ok: false, reason, message, httpStatus };
}

export interface SignedHeaders {
  readonly id: string;
  readonly timestamp: number;
  readonly signatures: readonly string[];
}

/**
 * Reads and checks the three headers and the time window, before any body is read (so
 * `receiveWebhook` refuses junk without reading it).
 */
export function checkStandardWebhookHeaders(
  headers: HeadersLike,
  options: VerifyStandardWebhookOptions = {},
): SignedHeaders | StandardWebhookFailure {
  const id = getHeader(headers, STANDARD_WEBHOOK_ID_HEADER);
  const timestampHeader = getHeader(headers, STANDARD_WEBHOOK_TIMESTAMP_HEADER);
  const signatureHeader = getHeader(headers, STANDARD_WEBHOOK_SIGNATURE_HEADER);
  if (!id || !timestampHeader || !signatureHeader) {
    return refuseWebhook(
      "SIGNATURE_MISSING",
      `${STANDARD_WEBHOOK_ID_HEADER}, ${STANDARD_WEBHOOK_TIMESTAMP_HEADER} and ${STANDARD_WEBHOOK_SIGNATURE_HEADER} are required`,
    );
  }
  // The signed content joins the parts with ".": an id holding one could shift the boundaries.
  if (id.length > 256 || !/^[^\s.]+$/.test(id)) {
    return refuseWebhook("SIGNATURE_MISSING", `${STANDARD_WEBHOOK_ID_HEADER} is malformed`);
  }
  if (!/^\d{1,15}$/.test(timestampHeader)) {
    return refuseWebhook(
      "SIGNATURE_MISSING",
      `${STANDARD_WEBHOOK_TIMESTAMP_HEADER} must be unix seconds`,
    );
  }
  const timestamp = Number(timestampHeader);
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  const nowMs = options.now === undefined ? Date.now() : new Date(options.now).getTime();
  // NaN would compare as "inside the window": refuse such options loudly instead.
  if (!(tolerance >= 0) || !Number.isFinite(nowMs)) {
    throw new TypeError("toleranceSeconds must be a number ≥ 0 and now a valid time");
  }
  const skew = Math.floor(nowMs / 1000) - timestamp;
  if (Math.abs(skew) > tolerance) {
    const when = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
    return refuseWebhook(
      "TIMESTAMP_OUTSIDE_WINDOW",
      `${STANDARD_WEBHOOK_TIMESTAMP_HEADER} is ${when} (tolerance ${tolerance} s)`,
    );
  }
  const signatures = signatureHeader.split(" ").filter((entry) => entry.length > 0);
  return { id, timestamp, signatures };
}

function bodyBytes(body: RawBody): Buffer {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  // A framework's parsed JSON: its re-serialisation would not be the bytes that were signed.
  throw new TypeError(
    "verifyStandardWebhook needs the raw body (string, Buffer, Uint8Array or ArrayBuffer) exactly as received, not parsed JSON",
  );
}

/** Throws a TypeError unless `secret` is a non-empty string or a non-empty list of them. */
export function secretList(secret: WebhookSecrets): readonly string[] {
  const secrets = typeof secret === "string" ? [secret] : secret;
  if (secrets.length === 0 || secrets.some((s) => typeof s !== "string" || s.length === 0)) {
    throw new TypeError("a webhook secret must be a non-empty string");
  }
  return secrets;
}

/** Verifies the signature over already-checked headers and the body, then parses the event. */
export function verifySignedBody(
  signed: SignedHeaders,
  body: RawBody,
  secret: WebhookSecrets,
): StandardWebhookVerification {
  const bytes = bodyBytes(body);
  const expected = secretList(secret).map((key) =>
    Buffer.from(
      createHmac("sha256", key)
        .update(`${signed.id}.${signed.timestamp}.`, "utf8")
        .update(bytes)
        .digest("base64"),
      "utf8",
    ),
  );
  const prefix = `${STANDARD_WEBHOOK_SIGNATURE_VERSION},`;
  let matched = false;
  for (const entry of signed.signatures) {
    // Other versions (e.g. "v1a", asymmetric) are not ours to check: skip them.
    if (!entry.startsWith(prefix)) continue;
    const given = Buffer.from(entry.slice(prefix.length), "utf8");
    for (const want of expected) {
      // Constant time; only equal lengths compare (a length is no secret: base64 of 32 bytes).
      if (given.length === want.length && timingSafeEqual(given, want)) matched = true;
    }
  }
  if (!matched) {
    return refuseWebhook(
      "SIGNATURE_MISMATCH",
      `no ${STANDARD_WEBHOOK_SIGNATURE_HEADER} matches this body with this secret`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    return refuseWebhook("INVALID_EVENT", "the body is not JSON");
  }
  const event = WebhookEvent.safeParse(json);
  if (!event.success) return refuseWebhook("INVALID_EVENT", "the body is not a webhook event");
  if (event.data.eventID !== signed.id) {
    return refuseWebhook(
      "INVALID_EVENT",
      `the body's eventID is not ${STANDARD_WEBHOOK_ID_HEADER}`,
    );
  }
  return {
    ok: true,
    id: signed.id,
    timestamp: new Date(signed.timestamp * 1000),
    event: event.data,
  };
}

/**
 * Verifies a webhook's Standard Webhooks signature against the raw body exactly as received
 * (before any JSON parsing: a re-serialised body is not what was signed) and your app secret:
 * the three headers, webhook-timestamp within `toleranceSeconds` of now, and one `v1` signature
 * matching, compared in constant time. On success returns the parsed, typed event. Never throws
 * for anything the sender controls; throws a TypeError for a parsed body or an empty secret.
 */
export function verifyStandardWebhook(
  body: RawBody,
  headers: HeadersLike,
  secret: WebhookSecrets,
  options: VerifyStandardWebhookOptions = {},
): StandardWebhookVerification {
  // Mistakes in the receiver's code (a parsed body, no secret) throw before any header is read.
  const bytes = bodyBytes(body);
  secretList(secret);
  const signed = checkStandardWebhookHeaders(headers, options);
  if ("ok" in signed) return signed;
  return verifySignedBody(signed, bytes, secret);
}
