import { lookup as dnsLookup } from "node:dns";
import type { LookupFunction } from "node:net";
import {
  ALLOW_PRIVATE_NETWORKS_HINT,
  ipAddressRange,
  nonPublicAddressReason,
} from "@collab/contracts/webhook-url";
import { Agent, type Dispatcher } from "undici";

// Where a webhook POST may connect (README "Private networks"). Unless private networks are
// allowed, the POST's connections go through a resolver that resolves the URL's host and hands
// the socket only addresses that are all public unicast, so the address checked is the address
// connected to: a name that resolves (or re-resolves, DNS rebinding) to 127.0.0.1, 10.x,
// 169.254.169.254, fd00::/8, … is refused before any packet leaves. An IP literal host is never
// resolved (net.connect skips the lookup), so it is checked before the request.

/** A refused webhook destination; its message is what the attempt log shows. */
export class PrivateDestinationError extends Error {
  override readonly name = "PrivateDestinationError";
  readonly code = "ERR_WEBHOOK_PRIVATE_DESTINATION";
}

function refusal(host: string, address: string, reason: string): PrivateDestinationError {
  const what =
    host === address
      ? `destination ${address}`
      : `destination ${host} resolves to ${address}, which`;
  return new PrivateDestinationError(`${what} is ${reason}; ${ALLOW_PRIVATE_NETWORKS_HINT}`);
}

/**
 * The refusal for a URL whose host is an IP address outside public unicast (such a host is
 * connected to without a lookup); null for a public address or a name (checked at connect).
 */
export function refuseIpLiteral(url: URL): PrivateDestinationError | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (ipAddressRange(host) === null) return null;
  const reason = nonPublicAddressReason(host);
  return reason === null ? null : refusal(host, host, reason);
}

/**
 * A `lookup` for net/tls.connect that resolves with `resolve` (default dns.lookup, all
 * addresses) and fails with a PrivateDestinationError unless every address is public unicast.
 */
export function publicOnlyLookup(
  resolve: LookupFunction = dnsLookup as LookupFunction,
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, result, family) => {
      if (error) return callback(error, "");
      const addresses =
        typeof result === "string" ? [{ address: result, family: family ?? 4 }] : result;
      const first = addresses[0];
      if (first === undefined) {
        const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        notFound.code = "ENOTFOUND";
        return callback(notFound, "");
      }
      for (const { address } of addresses) {
        const reason = nonPublicAddressReason(address);
        if (reason !== null) return callback(refusal(hostname, address, reason), "");
      }
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

/** undici's keep-alive pools, one per mode, so a socket opened unchecked is never reused checked. */
const sharedAgents = new Map<boolean, Agent>();

/**
 * The dispatcher a webhook POST goes through: with private networks blocked, every connection
 * resolves through publicOnlyLookup. `resolve` replaces dns.lookup (tests); with it the caller
 * gets a fresh agent and must close it, else a shared one (never closed).
 */
export function webhookDispatcher(options: {
  readonly allowPrivateNetworks: boolean;
  readonly resolve?: LookupFunction;
}): { readonly dispatcher: Dispatcher; readonly shared: boolean } {
  const create = () =>
    new Agent(
      options.allowPrivateNetworks
        ? options.resolve === undefined
          ? {}
          : { connect: { lookup: options.resolve } }
        : { connect: { lookup: publicOnlyLookup(options.resolve) } },
    );
  if (options.resolve !== undefined) return { dispatcher: create(), shared: false };
  let agent = sharedAgents.get(options.allowPrivateNetworks);
  if (agent === undefined) {
    agent = create();
    sharedAgents.set(options.allowPrivateNetworks, agent);
  }
  return { dispatcher: agent, shared: true };
}

/** The PrivateDestinationError behind a failed request (fetch wraps it in `cause`), if any. */
export function privateDestinationCause(error: unknown): PrivateDestinationError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof PrivateDestinationError) return current;
    current = current.cause;
  }
  return null;
}
