import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { isIP } from "node:net";
import type { TrustProxy } from "@collab/settings";
import proxyaddr from "proxy-addr";

// Who the client is, resolved once per request from the socket and, only as far as TRUST_PROXY
// trusts the peers, from X-Forwarded-For/-Proto/-Host. Everything handed to Next.js then carries
// exactly these values in those headers (overwritten, never appended), so the console and any
// other Next.js code read them as already resolved and never parse a client's claim.

export interface ResolvedClient {
  /** The client's IP address (IPv4-mapped IPv6 written as IPv4), "" if the socket is gone. */
  readonly address: string;
  /** The scheme the client used: this server speaks plain HTTP, so "http" unless a proxy says. */
  readonly proto: "http" | "https";
  /** The host[:port] the client asked for, or null when neither it nor a proxy named a sane one. */
  readonly host: string | null;
}

type TrustFunction = (address: string, hop: number) => boolean;

/** TRUST_PROXY as the predicate proxy-addr walks X-Forwarded-For with (hop 0: the socket). */
export function compileTrust(trust: TrustProxy): TrustFunction {
  switch (trust.kind) {
    case "none":
      return () => false;
    case "hops":
      return (_address, hop) => hop < trust.hops;
    case "ranges":
      return proxyaddr.compile([...trust.ranges]);
  }
}

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
// A host name or IP literal with an optional port: what a Host header may hold (RFC 9110).
const SANE_HOST = /^(?:[A-Za-z0-9._~-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

function normaliseAddress(address: string): string {
  return MAPPED_IPV4.exec(address)?.[1] ?? address;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * The value a forwarded header holds for the outermost trusted proxy: proxies that append write
 * one entry per hop (the nearest last), so with `trustedHops` trusted peers that proxy's entry is
 * the `trustedHops`-th from the end; a proxy that overwrites leaves a single entry. Entries
 * before it were written by the client and are never used.
 */
function forwardedValue(
  headers: IncomingHttpHeaders,
  name: string,
  trustedHops: number,
): string | undefined {
  const raw = headerValue(headers, name);
  if (raw === undefined || trustedHops === 0) return undefined;
  const entries = raw.split(",").map((entry) => entry.trim());
  return entries[Math.max(0, entries.length - trustedHops)];
}

export function resolveClient(req: IncomingMessage, trust: TrustFunction): ResolvedClient {
  // [socket peer, nearest proxy's claim, …], cut after the first peer not trusted.
  const chain = proxyaddr.all(req, trust);
  // The client is the last address of the chain that is an address at all (a trusted proxy
  // may write "unknown"; then the proxy itself is the best we know).
  let address = "";
  for (let i = chain.length - 1; i >= 0; i--) {
    const candidate = chain[i];
    if (candidate !== undefined && isIP(candidate) !== 0) {
      address = normaliseAddress(candidate);
      break;
    }
  }
  // Every peer before the last was trusted; the last one too when the header ran out first.
  const last = chain.length - 1;
  const trustedHops = last + (trust(chain[last] ?? "", last) ? 1 : 0);
  const forwardedProto = forwardedValue(req.headers, "x-forwarded-proto", trustedHops);
  const proto = forwardedProto?.toLowerCase() === "https" ? "https" : "http";
  const forwardedHost = forwardedValue(req.headers, "x-forwarded-host", trustedHops);
  const host = [forwardedHost, req.headers.host].find(
    (candidate): candidate is string => candidate !== undefined && SANE_HOST.test(candidate),
  );
  return { address, proto, host: host ?? null };
}

/**
 * Writes the resolved client into the request's headers for Next.js: X-Forwarded-For is exactly
 * the client's address, X-Forwarded-Proto/-Host/-Port the resolved scheme, host and port; the
 * unresolved `Forwarded` and `X-Real-IP` are removed so no code can read a client's claim there.
 */
export function applyResolvedClient(req: IncomingMessage, client: ResolvedClient): void {
  const headers = req.headers;
  headers["x-forwarded-for"] = client.address;
  headers["x-forwarded-proto"] = client.proto;
  if (client.host === null) {
    delete headers["x-forwarded-host"];
    delete headers["x-forwarded-port"];
  } else {
    headers["x-forwarded-host"] = client.host;
    const port = /:(\d+)$/.exec(client.host)?.[1];
    headers["x-forwarded-port"] = port ?? (client.proto === "https" ? "443" : "80");
  }
  delete headers.forwarded;
  delete headers["x-real-ip"];
}
