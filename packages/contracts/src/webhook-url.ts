import ipaddr from "ipaddr.js";
import { MAX_WEBHOOK_URL_LENGTH } from "./webhook";

// Why here, in contracts: three layers apply this one policy — the database package's operator
// commands and createApp (app:create, app:webhook), the domain when the console saves a URL
// (webhook.set) and the worker when it connects. Dependencies point contracts → domain → db,
// adapters (worker) on top, and contracts is the one package all three may import. It is a
// subpath (@collab/contracts/webhook-url), so what a browser bundles from contracts stays zod only.

/** A webhook URL that may not be stored; the message says why, for the operator. */
export class InvalidWebhookUrlError extends Error {
  override readonly name = "InvalidWebhookUrlError";
}

// Webhook destinations and private networks (SSRF guard). The worker POSTs from inside the
// operator's network, so by default a webhook may only reach public unicast addresses: the
// worker checks every address a name resolves to when it connects (the only check that holds
// against DNS rebinding), and normaliseWebhookUrl refuses what is visibly private when a URL is
// set (an IP literal or `localhost`), for immediate feedback. The deployment setting
// WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 lifts both (local development, tests); its callers pass it in.

/** The variable that lets webhooks reach private networks. */
export const ALLOW_PRIVATE_NETWORKS_ENV = "WEBHOOK_ALLOW_PRIVATE_NETWORKS";

/** What a refusal tells the operator to do. */
export const ALLOW_PRIVATE_NETWORKS_HINT = `set ${ALLOW_PRIVATE_NETWORKS_ENV}=1 to allow`;

/** How a refusal names each range ipaddr.js knows; others read "not a public unicast address". */
const RANGE_WORDS: Readonly<Record<string, string>> = {
  private: "in a private network",
  loopback: "a loopback address",
  linkLocal: "a link-local address",
  carrierGradeNat: "in the carrier-grade NAT range (100.64.0.0/10)",
  uniqueLocal: "a unique-local address (fc00::/7)",
  deprecatedSiteLocal: "a site-local address (fec0::/10)",
  unspecified: "the unspecified address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  reserved: "a reserved address",
};

/** IPv6 global unicast (2000::/3): IANA allocates public addresses from nowhere else. */
const IPV6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR("2000::/3");

/**
 * The range of an IP address: "unicast" when it is a public unicast address, else the name of
 * the special range it is in (ipaddr.js's names: "private", "loopback", "linkLocal",
 * "carrierGradeNat", "uniqueLocal", "unspecified", "multicast", "broadcast", "reserved", "6to4",
 * "rfc6052", …). An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address's range; an
 * IPv6 address outside 2000::/3 that ipaddr.js calls unicast (e.g. the deprecated IPv4-compatible
 * ::a.b.c.d) is "reserved". Not an IP address (a name, garbage): null.
 */
export function ipAddressRange(address: string): string | null {
  const literal = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(literal)) return null;
  let parsed = ipaddr.parse(literal);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range === "unicast" && parsed.kind() === "ipv6" && !parsed.match(IPV6_GLOBAL_UNICAST)) {
    return "reserved";
  }
  return range;
}

/**
 * Why a connection to `address` (an IP address) is refused while private networks are not
 * allowed, e.g. "in a private network", "a loopback address"; null for a public unicast address.
 * Anything that is not an IP address is refused ("not an IP address").
 */
export function nonPublicAddressReason(address: string): string | null {
  const range = ipAddressRange(address);
  if (range === null) return "not an IP address";
  if (range === "unicast") return null;
  return RANGE_WORDS[range] ?? `not a public unicast address (${range})`;
}

/** True for names every resolver maps to loopback: localhost and *.localhost (RFC 6761). */
function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

/**
 * Why a webhook URL's host is visibly not public (an IP literal outside public unicast, or
 * localhost), null otherwise. Names are only resolved, and checked, when the worker connects.
 */
export function privateWebhookHostReason(hostname: string): string | null {
  if (isLocalhostName(hostname)) return "a loopback name";
  if (ipAddressRange(hostname) === null) return null;
  return nonPublicAddressReason(hostname);
}

/**
 * A webhook URL as stored: trimmed, an absolute http(s) URL without credentials, at most 2048
 * characters; "" or null clears it (null). Unless private networks are allowed
 * (`allowPrivateNetworks`, the deployment's WEBHOOK_ALLOW_PRIVATE_NETWORKS; default false), its
 * host must not be an IP address outside public unicast nor localhost. Throws
 * InvalidWebhookUrlError otherwise.
 */
export function normaliseWebhookUrl(
  input: string | null | undefined,
  options: { readonly allowPrivateNetworks?: boolean } = {},
): string | null {
  const url = input?.trim() ?? "";
  if (url === "") return null;
  if (url.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new InvalidWebhookUrlError(
      `The webhook URL must be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidWebhookUrlError(`The webhook URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new InvalidWebhookUrlError("The webhook URL must be http(s).");
  }
  // Credentials in the URL would be logged with every attempt; the HiAR signature authenticates.
  if (parsed.username !== "" || parsed.password !== "") {
    throw new InvalidWebhookUrlError("The webhook URL must not contain credentials.");
  }
  if (options.allowPrivateNetworks !== true) {
    // URL has already canonicalised the host: 0x7f.1 and 2130706433 read 127.0.0.1, IPv6 is
    // compressed and bracketed.
    const reason = privateWebhookHostReason(parsed.hostname);
    if (reason !== null) {
      throw new InvalidWebhookUrlError(
        `The webhook URL's host ${parsed.hostname} is ${reason}; webhooks may only reach ` +
          `public addresses (${ALLOW_PRIVATE_NETWORKS_HINT} private networks).`,
      );
    }
  }
  return url;
}
