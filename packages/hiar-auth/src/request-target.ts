export interface PathAndQuery {
  /** The path, starting with "/". */
  readonly path: string;
  /** The query without its leading "?"; "" when there is none. */
  readonly rawQuery: string;
}

/**
 * Server side: splits a request-target as received (Node's `req.url`, e.g.
 * "/session/invite?a=1") at the first "?", with no decoding or normalisation, so the verifier
 * sees the bytes the client signed. A URL object (e.g. `new URL(request.url)` in a fetch-style
 * handler) is split into `pathname` and `search`; those are already WHATWG-normalised.
 */
export function splitRequestTarget(target: string | URL): PathAndQuery {
  if (typeof target !== "string") {
    return { path: target.pathname, rawQuery: target.search.slice(1) };
  }
  const withoutFragment = target.split("#", 1)[0] ?? "";
  const q = withoutFragment.indexOf("?");
  return q === -1
    ? { path: withoutFragment, rawQuery: "" }
    : { path: withoutFragment.slice(0, q), rawQuery: withoutFragment.slice(q + 1) };
}
