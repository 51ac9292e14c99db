import { HiarError, isHiarError } from "@collab/contracts";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

// The console sign-in's brute-force throttle (rate-limiter-flexible, in memory, per process):
// after `maxFailures` failed sign-ins for one APPID within `windowSeconds`, further attempts for
// it are refused with RATE_LIMITED, without checking the secret, until that window (counted from
// its first failure) has passed; a successful sign-in resets the APPID's count. One client
// address (when the request names one) gets CLIENT_FAILURE_FACTOR times as many failures, across
// APPIDs, so one client cannot try many APPIDs either. Secrets never reach the throttle.

export interface SignInThrottleOptions {
  /** Failed sign-ins per APPID within the window that are answered; later ones are refused. 0: off. */
  readonly maxFailures: number;
  /** Seconds from an APPID's first failure after which its count starts again. */
  readonly windowSeconds: number;
}

export const SIGN_IN_THROTTLE_DEFAULTS: SignInThrottleOptions = Object.freeze({
  maxFailures: 5,
  windowSeconds: 300,
});

/** A client address may fail this many times the per-APPID limit (several operators behind one NAT). */
export const CLIENT_FAILURE_FACTOR = 4;

export interface SignInAttempt {
  /** The APPID as the contract parsed it (trimmed). */
  readonly appId: string;
  /** The client's address when known (see createOuterContext), else null. */
  readonly clientAddress: string | null;
}

export class SignInThrottle {
  readonly options: SignInThrottleOptions;
  readonly #byApp: RateLimiterMemory | null;
  readonly #byClient: RateLimiterMemory | null;

  constructor(options: SignInThrottleOptions = SIGN_IN_THROTTLE_DEFAULTS) {
    this.options = options;
    const { maxFailures, windowSeconds } = options;
    if (maxFailures === 0) {
      this.#byApp = null;
      this.#byClient = null;
      return;
    }
    this.#byApp = new RateLimiterMemory({
      keyPrefix: "sign-in-app",
      points: maxFailures,
      duration: windowSeconds,
    });
    this.#byClient = new RateLimiterMemory({
      keyPrefix: "sign-in-client",
      points: maxFailures * CLIENT_FAILURE_FACTOR,
      duration: windowSeconds,
    });
  }

  /**
   * Runs `signIn` unless the APPID or the client has used up its failures (RATE_LIMITED, naming
   * the seconds left). A wrong APPID or secret (UNAUTHENTICATED) counts as a failure; success
   * resets the APPID; any other error (e.g. the database is down) does not count.
   */
  async guard<T>(attempt: SignInAttempt, signIn: () => Promise<T>): Promise<T> {
    const byApp = this.#byApp;
    if (byApp === null) return signIn();
    const { appId, clientAddress } = attempt;
    const byClient = clientAddress === null ? null : this.#byClient;
    /** Gives the client its point back: the attempt was not a failure of its own. */
    const refundClient = async () => {
      if (byClient !== null && clientAddress !== null) await byClient.reward(clientAddress);
    };

    // Reserve the attempt first (synchronous in memory): concurrent tries cannot slip past.
    if (byClient !== null && clientAddress !== null) {
      const refused = await reserve(byClient, clientAddress);
      if (refused !== null) throw rateLimited(refused);
    }
    const refused = await reserve(byApp, appId);
    if (refused !== null) {
      await refundClient(); // not checked, so not a failure of this client
      throw rateLimited(refused);
    }

    try {
      const result = await signIn();
      await byApp.delete(appId);
      await refundClient();
      return result;
    } catch (error) {
      if (!(isHiarError(error) && error.reason === "UNAUTHENTICATED")) {
        await byApp.reward(appId);
        await refundClient();
      }
      throw error;
    }
  }
}

/** Takes a point for `key`; the limiter's answer when it had none left, else null. */
async function reserve(limiter: RateLimiterMemory, key: string): Promise<RateLimiterRes | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw rejection;
  }
}

function rateLimited(res: RateLimiterRes): HiarError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new HiarError("RATE_LIMITED", `too many failed sign-ins: try again in ${seconds} s`, {
    details: { retryAfterSeconds: seconds },
  });
}

const DEFAULT_THROTTLE = Symbol.for("@collab/api/sign-in-throttle");
type ThrottleStore = Record<symbol, SignInThrottle | undefined>;

/**
 * The process's throttle with the defaults, for a browser request that brings none. Kept on
 * globalThis: Next.js may load this module more than once in one process.
 */
export function defaultSignInThrottle(): SignInThrottle {
  const store = globalThis as unknown as ThrottleStore;
  store[DEFAULT_THROTTLE] ??= new SignInThrottle();
  return store[DEFAULT_THROTTLE];
}
