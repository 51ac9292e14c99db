/** HiAR's gateway path for this service: `https://openapi.hiar.com/leliaRTC/...`. */
export const DEFAULT_CAPABILITY_PREFIX = "/leliaRTC";

// One or more whole path segments, no trailing slash: "/leliaRTC", "/a/b".
const PREFIX_PATTERN = /^(?:\/[^/?#\s]+)+$/;

/**
 * The path as received plus its counterpart across the capability prefix: stripped when the
 * path starts with the prefix, added when it does not. A client may have signed either form,
 * because HiAR's gateway serves `/leliaRTC/session/invite` while the service behind it sees
 * `/session/invite`. Matching is on whole segments, so "/leliaRTCx" is not under "/leliaRTC".
 * A null prefix disables the variant.
 */
export function pathCandidates(path: string, prefix: string | null): readonly string[] {
  if (prefix === null) return [path];
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new RangeError('capabilityPrefix must look like "/leliaRTC" (no trailing slash)');
  }
  if (path === prefix) return [path, "/"];
  if (path.startsWith(`${prefix}/`)) return [path, path.slice(prefix.length)];
  return [path, `${prefix}${path}`];
}
