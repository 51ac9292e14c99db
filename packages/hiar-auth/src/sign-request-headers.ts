import { randomUUID } from "node:crypto";
import { APP_ID_PATTERN, NONCE_PATTERN } from "./formats";
import {
  HEADER_APP_ID,
  HEADER_APPID_ALIAS,
  HEADER_DATE,
  HEADER_NONCE,
  HEADER_SIGNATURE,
} from "./headers";
import { formatRfc3339 } from "./rfc3339";
import { type Secret, sign } from "./sign";

/** Where the request goes: a URL (as fetch will send it), or a path and the raw query. */
export type SignTarget =
  | { readonly url: string | URL; readonly path?: never; readonly query?: never }
  | { readonly path: string; readonly query?: string; readonly url?: never };

export type SignRequestHeadersInput = SignTarget & {
  readonly appId: string;
  readonly secret: Secret;
  readonly method: string;
  /** Clock for the date header; default `Date.now()`. */
  readonly now?: number | Date;
  /** Default: a fresh `crypto.randomUUID()`, as the doc asks. */
  readonly nonce?: string;
};

// A type alias, not an interface: aliases get an implicit index signature, so the result is
// assignable to fetch's HeadersInit and to HeadersLike as it is.
export type HiarAuthHeaders = {
  readonly [HEADER_APP_ID]: string;
  readonly [HEADER_NONCE]: string;
  readonly [HEADER_DATE]: string;
  readonly [HEADER_SIGNATURE]: string;
  readonly [HEADER_APPID_ALIAS]: string;
};

/**
 * Client side: the headers that authenticate one request, ready to spread into fetch's
 * `headers`. Signs the form of the doc's worked example, which any HiAR verifier accepts: the
 * method in lower case, the path and query exactly as they go on the wire. The date is UTC
 * ("Z"), whole seconds, so output does not depend on the host's time zone.
 *
 * A `url` string is parsed the way fetch parses it (WHATWG URL, relative ones against a dummy
 * origin), so the signed path and query are those fetch will actually send (e.g. a space
 * becomes %20). `path` + `query` are signed verbatim: the caller must send exactly those.
 */
export function signRequestHeaders(input: SignRequestHeadersInput): HiarAuthHeaders {
  const { appId, secret, method } = input;
  if (!APP_ID_PATTERN.test(appId)) throw new RangeError("appId: expected 1–128 visible ASCII");
  const nonce = input.nonce ?? randomUUID();
  if (!NONCE_PATTERN.test(nonce)) throw new RangeError("nonce: expected 1–128 visible ASCII");

  const { path, query } = resolveTarget(input);
  const date = formatRfc3339(input.now ?? Date.now());
  const signature = sign({ secret, method: method.toLowerCase(), path, query, appId, date, nonce });
  return {
    [HEADER_APP_ID]: appId,
    [HEADER_NONCE]: nonce,
    [HEADER_DATE]: date,
    [HEADER_SIGNATURE]: signature,
    [HEADER_APPID_ALIAS]: appId,
  };
}

function resolveTarget(target: SignTarget): { path: string; query: string } {
  if (target.url === undefined) {
    // A "?" or "#" in path means the caller passed a URL where a bare path belongs.
    if (!/^\/[^?#]*$/.test(target.path)) throw new RangeError("path: expected /…, without ? or #");
    return { path: target.path, query: target.query ?? "" };
  }
  const url = new URL(target.url, "http://localhost");
  return { path: url.pathname, query: url.search.slice(1) };
}
