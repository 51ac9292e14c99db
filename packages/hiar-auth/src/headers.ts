/** Header names of the HiAR OpenAPI authentication scheme, as the doc spells them. */
export const HEADER_APP_ID = "X-HIAR-OPENAPI-APPID";
export const HEADER_NONCE = "X-HIAR-OPENAPI-NONCE";
export const HEADER_DATE = "X-HIAR-OPENAPI-DATE";
export const HEADER_SIGNATURE = "X-HIAR-OPENAPI-SIGNATURE";
/** The endpoint pages also list `appid`; when present it must equal {@link HEADER_APP_ID}. */
export const HEADER_APPID_ALIAS = "appid";
/** Optional caller-chosen request id, echoed back by the server. */
export const HEADER_TRACE = "trace";

/**
 * What we accept as request headers: a fetch `Headers` object, or a plain record such as Node's
 * `IncomingHttpHeaders` (values may be arrays when a header was repeated).
 */
export type HeadersLike =
  | Headers
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;

/**
 * Case-insensitive header lookup. A header sent more than once comes back joined with ", ", the
 * way fetch's `Headers` combines it, so both input kinds behave the same (and a repeated auth
 * header then fails its format check instead of one copy being picked silently).
 * Surrounding whitespace is not part of a field value (RFC 9110), so it is trimmed.
 */
export function getHeader(headers: HeadersLike, name: string): string | undefined {
  if (isHeaders(headers)) {
    return headers.get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === "string" || typeof value === "number") {
      values.push(String(value).trim());
    } else {
      for (const v of value) values.push(v.trim());
    }
  }
  return values.length === 0 ? undefined : values.join(", ");
}

// Duck-typed rather than `instanceof`, so a Headers from another realm or undici copy works too.
function isHeaders(headers: HeadersLike): headers is Headers {
  return typeof (headers as { get?: unknown }).get === "function";
}
