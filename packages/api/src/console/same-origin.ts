// Cross-site request protection for the console's mutations, on top of the SameSite=Lax cookie
// (which older browsers and same-site-but-cross-origin pages do not fully cover).

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * True when a browser says the request comes from a page of this very origin: the Origin header's
 * scheme, host and port equal the ones the request was sent to, or, without Origin,
 * Sec-Fetch-Site is "same-origin". A request with neither header is not trusted: browsers send
 * Origin on every POST.
 *
 * The request's own origin is `X-Forwarded-Proto` + `X-Forwarded-Host`: the HTTP server in front
 * of Next.js sets both for every request, resolved according to TRUST_PROXY (a trusted proxy's
 * values, else the socket's scheme and the Host header), so they are taken as they come. Without
 * them (a bare `next start` or an in-process call) the Host header and `requestUrl`'s scheme are
 * used. A cross-site page can set none of these headers.
 */
export function isSameOriginRequest(headers: HeaderSource, requestUrl?: string): boolean {
  const origin = headers.get("origin");
  if (origin === null || origin === "null") {
    return origin === null && headers.get("sec-fetch-site") === "same-origin";
  }
  const expected = requestOrigin(headers, requestUrl);
  if (expected === null) return false;
  try {
    return new URL(origin).origin === expected;
  } catch {
    return false;
  }
}

/** `scheme://host[:port]` the request was sent to, normalised as URL.origin does; null if unknown. */
export function requestOrigin(headers: HeaderSource, requestUrl?: string): string | null {
  const host = firstValue(headers.get("x-forwarded-host")) ?? firstValue(headers.get("host"));
  let scheme = firstValue(headers.get("x-forwarded-proto"))?.toLowerCase();
  if (scheme === undefined && requestUrl !== undefined) {
    try {
      scheme = new URL(requestUrl).protocol.replace(/:$/, "");
    } catch {
      scheme = undefined;
    }
  }
  if (host === undefined || !HOST.test(host) || (scheme !== "http" && scheme !== "https")) {
    return null;
  }
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return null;
  }
}

/** A Host header: a name or an IPv4 or bracketed IPv6 address, and an optional port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function firstValue(header: string | null): string | undefined {
  const value = header?.split(",")[0]?.trim();
  return value === undefined || value === "" ? undefined : value;
}
