import { createHash } from "node:crypto";
import { HiarError, isHiarError } from "@collab/contracts";
import { processSingleton } from "@collab/db/process-singleton";
import ipaddr from "ipaddr.js";
import { createLimitStore, type FailureCounter, type LimitStore } from "../limits/store";

// The console sign-in's brute-force throttle. After `maxFailures` failed
// sign-ins for one APPID within `windowSeconds` (counted from the first), further attempts for it
// are refused with RATE_LIMITED, without checking the secret, until the window has passed; a
// successful sign-in resets the APPID's count. One client (address, or IPv6 /64) gets
// CLIENT_FAILURE_FACTOR times as many failures across APPIDs. Secrets never reach the throttle.
//
// Where it counts is its LimitStore (RATE_LIMIT_STORE): in this process by default, or shared by
// every server instance (PostgreSQL, Redis), so that N instances allow one limit, not N. A shared
// store that cannot be reached refuses the sign-in (UNAVAILABLE): the throttle fails closed, since
// failing open would lift the brute-force limit for as long as an attacker can keep it unreachable
// (docs/decisions.md). In a shared store, a key lives until its window ends.
//
// In this process every key is chosen by the client, so every table is a fixed-size LRU: memory is
// bounded whatever is sent, and the tables are kept apart so that flooding one cannot reset
// another:
// - known APPIDs (apps that exist) have their own table: only a failure against a real app adds
//   to it, so fresh made-up APPIDs cannot evict a real app's count. Up to SIGN_IN_THROTTLE_BOUNDS
//   .apps apps failing within one window are all tracked; with fewer apps than that in the
//   database, a count can never be evicted at all.
// - unknown APPIDs get a table of their own (keyed by a SHA-256 digest, fixed size whatever the
//   APPID's length), so the throttle answers them exactly like real ones and does not tell which
//   APPIDs exist. Evicting one of them only costs that hiding: someone who fails with more than
//   `unknownApps` other made-up APPIDs in between may see an unknown APPID answered again.
// - clients have a third table. A client fills at most `CLIENT_FAILURE_FACTOR * maxFailures`
//   entries of the others per window before it is refused itself; one with more addresses than
//   the table holds can get its oldest ones forgotten, which is why it only ever narrows: the
//   per-APPID count is the guarantee.

export interface SignInThrottleOptions {
  /** Failed sign-ins per APPID within the window that are answered; later ones are refused. 0: off. */
  readonly maxFailures: number;
  /** Seconds from an APPID's first failure after which its count starts again. */
  readonly windowSeconds: number;
  /** Table sizes (entries); SIGN_IN_THROTTLE_BOUNDS by default. */
  readonly bounds?: Partial<SignInThrottleBounds>;
  /** The clock (ms) of the in-process store made when `store` is absent; Date.now by default. */
  readonly now?: () => number;
  /** Where failures are counted; a new in-process store by default. */
  readonly store?: LimitStore;
}

/** How many keys each table of the throttle holds at most (least recently used evicted first). */
export interface SignInThrottleBounds {
  /** APPIDs of existing apps with failures in their window. */
  readonly apps: number;
  /** Made-up APPIDs with failures in their window. */
  readonly unknownApps: number;
  /** Client addresses (IPv6: /64 prefixes) with failures in their window. */
  readonly clients: number;
}

export const SIGN_IN_THROTTLE_DEFAULTS: SignInThrottleOptions = Object.freeze({
  maxFailures: 5,
  windowSeconds: 300,
});

/**
 * About 150-250 bytes an entry (the key, a two-number record and the LRU's bookkeeping), so the
 * three full tables hold at most about 6 MB, whatever clients send.
 */
export const SIGN_IN_THROTTLE_BOUNDS: SignInThrottleBounds = Object.freeze({
  apps: 10_000,
  unknownApps: 10_000,
  clients: 10_000,
});

/** A client address may fail this many times the per-APPID limit (several operators behind one NAT). */
export const CLIENT_FAILURE_FACTOR = 4;

export interface SignInAttempt {
  /** The APPID as the contract parsed it (trimmed). */
  readonly appId: string;
  /** The client's address when known (see createOuterContext), else null. */
  readonly clientAddress: string | null;
}

export interface SignInSteps<T> {
  /** Whether the APPID names an existing app (one lookup; it chooses the table that counts). */
  appExists(): Promise<boolean>;
  /** Checks the credentials: throws UNAUTHENTICATED when they are wrong. */
  signIn(): Promise<T>;
}

export class SignInThrottle {
  readonly options: SignInThrottleOptions;
  readonly bounds: SignInThrottleBounds;
  readonly #byApp: FailureCounter | null;
  readonly #byUnknownApp: FailureCounter | null;
  readonly #byClient: FailureCounter | null;

  constructor(options: SignInThrottleOptions = SIGN_IN_THROTTLE_DEFAULTS) {
    this.options = options;
    this.bounds = { ...SIGN_IN_THROTTLE_BOUNDS, ...options.bounds };
    const { maxFailures, windowSeconds } = options;
    if (maxFailures === 0) {
      this.#byApp = null;
      this.#byUnknownApp = null;
      this.#byClient = null;
      return;
    }
    const store =
      options.store ??
      createLimitStore({
        kind: "memory",
        ...(options.now === undefined ? {} : { now: options.now }),
      });
    const window = { limit: maxFailures, windowMs: windowSeconds * 1000 };
    this.#byApp = store.failureCounter("app", window, this.bounds.apps);
    this.#byUnknownApp = store.failureCounter("unknown", window, this.bounds.unknownApps);
    this.#byClient = store.failureCounter(
      "client",
      { limit: maxFailures * CLIENT_FAILURE_FACTOR, windowMs: window.windowMs },
      this.bounds.clients,
    );
  }

  /** Entries held per table by an in-process store (diagnostics and tests); 0 when shared. */
  get sizes(): { apps: number; unknownApps: number; clients: number } {
    return {
      apps: this.#byApp?.size ?? 0,
      unknownApps: this.#byUnknownApp?.size ?? 0,
      clients: this.#byClient?.size ?? 0,
    };
  }

  /**
   * Runs `steps.signIn` unless the APPID or the client has used up its failures (RATE_LIMITED,
   * naming the seconds left). A wrong APPID or secret (UNAUTHENTICATED) counts as a failure;
   * success resets the APPID; any other error (e.g. the database is down) does not count. When
   * the store cannot be reached, nothing is checked: UNAVAILABLE.
   */
  async guard<T>(attempt: SignInAttempt, steps: SignInSteps<T>): Promise<T> {
    const byApp = this.#byApp;
    const byUnknownApp = this.#byUnknownApp;
    const byClient = this.#byClient;
    if (byApp === null || byUnknownApp === null || byClient === null) return steps.signIn();

    const client = attempt.clientAddress === null ? null : clientKey(attempt.clientAddress);
    /** Gives the client its failure back: the attempt was not a failure of its own. */
    const refundClient = async () => {
      if (client !== null) await counted(byClient.refund(client));
    };

    // Each take is one atomic operation of the store: concurrent attempts (on any instance)
    // cannot slip past the count.
    if (client !== null) {
      const waitMs = await counted(byClient.take(client));
      if (waitMs > 0) throw rateLimited(waitMs);
    }
    const unknownKey = digest(attempt.appId);
    // A refused APPID costs no database work.
    const blockedMs = Math.max(
      ...(await counted(
        Promise.all([byApp.blockedFor(attempt.appId), byUnknownApp.blockedFor(unknownKey)]),
      )),
    );
    if (blockedMs > 0) {
      await refundClient(); // not checked, so not a failure of this client
      throw rateLimited(blockedMs);
    }

    let known: boolean;
    try {
      known = await steps.appExists();
    } catch (error) {
      await refundClient().catch(() => {});
      throw error;
    }
    const [table, key] = known ? [byApp, attempt.appId] : [byUnknownApp, unknownKey];
    const waitMs = await counted(table.take(key)); // a concurrent attempt may have taken the last
    if (waitMs > 0) {
      await refundClient();
      throw rateLimited(waitMs);
    }

    let result: T;
    try {
      result = await steps.signIn();
    } catch (error) {
      if (!(isHiarError(error) && error.reason === "UNAUTHENTICATED")) {
        await Promise.all([table.refund(key), refundClient()]).catch(() => {});
      }
      throw error;
    }
    // Signed in: a store that fails now costs only a stale count, not the sign-in.
    await Promise.all([table.clear(key), refundClient()]).catch(() => {});
    return result;
  }
}

/** The store's answer, or UNAVAILABLE when it cannot be reached (the throttle fails closed). */
async function counted<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (isHiarError(error)) throw error;
    throw new HiarError("UNAVAILABLE", "the sign-in throttle cannot be reached: try again later", {
      cause: error,
    });
  }
}

/** A fixed-size key for a made-up APPID (up to 256 characters): its SHA-256, base64url. */
function digest(appId: string): string {
  return createHash("sha256").update(appId, "utf8").digest("base64url");
}

/**
 * The throttle's key for a client address: an IPv4 address as is (also when IPv4-mapped), an IPv6
 * address by its /64 prefix (one subscriber usually has a whole /64, so its addresses count as
 * one client), anything else (a header that is no address) as its first 64 characters.
 */
export function clientKey(address: string): string {
  const trimmed = address.trim();
  if (!ipaddr.isValid(trimmed)) return `?${trimmed.slice(0, 64)}`;
  const parsed = ipaddr.parse(trimmed);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const ipv6 = parsed as ipaddr.IPv6;
  if (ipv6.isIPv4MappedAddress()) return ipv6.toIPv4Address().toString();
  const prefix = ipv6.parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(":")}::/64`;
}

function rateLimited(waitMs: number): HiarError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new HiarError("RATE_LIMITED", `too many failed sign-ins: try again in ${seconds} s`, {
    details: { retryAfterSeconds: seconds },
  });
}

/**
 * The process's throttle with the defaults, for a browser request that brings none. Kept on
 * globalThis: Next.js may load this module more than once in one process.
 */
export function defaultSignInThrottle(): SignInThrottle {
  return processSingleton("@collab/api/sign-in-throttle", () => new SignInThrottle());
}
