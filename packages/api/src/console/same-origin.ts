// Cross-site request protection for the console's mutations, on top of the SameSite=Lax cookie
// (which older browsers and same-site-but-cross-origin pages do not fully cover).

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * True when a browser says the request comes from a page of this very origin: the Origin header's
 * host equals the Host the request was sent to (X-Forwarded-Host behind a proxy; a cross-site
 * page cannot set either header), or, without Origin, Sec-Fetch-Site is "same-origin". A request
 * with neither header is not trusted: browsers send Origin on every POST.
 */
export function isSameOriginRequest(headers: HeaderSource): boolean {
  const origin = headers.get("origin");
  if (origin === null || origin === "null") {
    return origin === null && headers.get("sec-fetch-site") === "same-origin";
  }
  const host = (headers.get("x-forwarded-host") ?? headers.get("host"))?.split(",")[0]?.trim();
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
