import { APP_ID_PATTERN, NONCE_PATTERN, SIGNATURE_PATTERN } from "./formats";
import {
  getHeader,
  HEADER_APP_ID,
  HEADER_APPID_ALIAS,
  HEADER_DATE,
  HEADER_NONCE,
  HEADER_SIGNATURE,
  type HeadersLike,
} from "./headers";
import { parseRfc3339 } from "./rfc3339";

export interface AuthHeaders {
  readonly appId: string;
  readonly nonce: string;
  /** The X-HIAR-OPENAPI-DATE value verbatim: it is signed as sent. */
  readonly date: string;
  /** The same date as epoch milliseconds. */
  readonly dateMs: number;
  readonly signature: string;
}

export interface Unauthenticated {
  readonly ok: false;
  readonly reason: "UNAUTHENTICATED";
  readonly message: string;
}

export type ParseAuthHeadersResult = ({ readonly ok: true } & AuthHeaders) | Unauthenticated;

/**
 * Reads and validates the four authentication headers (and `appid` when present). Failures
 * name the header and the rule it broke but never echo a value: values are attacker-chosen
 * (log injection), and the signature must never appear in a message.
 */
export function parseAuthHeaders(headers: HeadersLike): ParseAuthHeadersResult {
  const appId = getHeader(headers, HEADER_APP_ID);
  const nonce = getHeader(headers, HEADER_NONCE);
  const date = getHeader(headers, HEADER_DATE);
  const signature = getHeader(headers, HEADER_SIGNATURE);

  if (!appId) return missing(HEADER_APP_ID);
  if (!APP_ID_PATTERN.test(appId)) {
    return malformed(HEADER_APP_ID, "expected 1–128 visible ASCII characters");
  }
  if (!nonce) return missing(HEADER_NONCE);
  if (!NONCE_PATTERN.test(nonce)) {
    return malformed(HEADER_NONCE, "expected 1–128 printable ASCII characters without spaces");
  }
  if (!date) return missing(HEADER_DATE);
  const parsedDate = parseRfc3339(date);
  if (!parsedDate.ok) return malformed(HEADER_DATE, parsedDate.message);
  if (!signature) return missing(HEADER_SIGNATURE);
  if (!SIGNATURE_PATTERN.test(signature)) {
    return malformed(HEADER_SIGNATURE, "expected standard base64 of a 32-byte HMAC-SHA256 digest");
  }

  // An empty `appid` counts as present: a client that sends it must send it right.
  const alias = getHeader(headers, HEADER_APPID_ALIAS);
  if (alias !== undefined && alias !== appId) {
    return unauthenticated(`header ${HEADER_APPID_ALIAS} does not match ${HEADER_APP_ID}`);
  }

  return { ok: true, appId, nonce, date, dateMs: parsedDate.ms, signature };
}

function missing(header: string): Unauthenticated {
  return unauthenticated(`missing or empty header ${header}`);
}

function malformed(header: string, rule: string): Unauthenticated {
  return unauthenticated(`malformed header ${header}: ${rule}`);
}

function unauthenticated(message: string): Unauthenticated {
  return { ok: false, reason: "UNAUTHENTICATED", message };
}
