import { assertWindow, checkDateWindow, DEFAULT_WINDOW_SECONDS } from "./date-window";
import type { HeadersLike } from "./headers";
import { parseAuthHeaders } from "./parse-auth-headers";
import type { Secret } from "./sign";
import { verifySignature } from "./verify-signature";

/**
 * The one message for both "unknown app" and "bad signature", so a caller cannot tell whether
 * an app id exists.
 */
export const INVALID_CREDENTIALS_MESSAGE = "unknown app id or invalid signature";

// HMAC'd against when the app is unknown, so that path costs the same work as a real check.
const DUMMY_SECRET = "hiar-auth:unknown-app";

export interface VerifyRequestInput {
  readonly headers: HeadersLike;
  readonly method: string;
  /** Path as received, without the query (see `splitRequestTarget`). */
  readonly path: string;
  /** Query as received, without "?"; "" or omitted when there is none. */
  readonly rawQuery?: string;
  /**
   * The app's secret (or every secret it accepts, during a rotation's overlap: any of them may
   * have signed), or null when the app does not exist. Errors (database down) propagate
   * unchanged, so the server can answer UNAVAILABLE rather than UNAUTHENTICATED.
   */
  readonly lookupSecret: (appId: string) => Promise<Secret | readonly Secret[] | null>;
  /** Default `Date.now()`. */
  readonly now?: number | Date;
  /** Allowed clock skew both ways; default 300. */
  readonly windowSeconds?: number;
  /** Default "/leliaRTC"; null disables the prefix tolerance. */
  readonly capabilityPrefix?: string | null;
}

export type VerifyRequestResult =
  | {
      readonly ok: true;
      readonly appId: string;
      readonly nonce: string;
      readonly dateMs: number;
      /**
       * dateMs + window: until then a replay would pass the date check, so the server must
       * remember (appId, nonce) at least this long. Recording it is the server's job, atomically.
       */
      readonly nonceExpiresAtMs: number;
    }
  | {
      readonly ok: false;
      readonly reason: "UNAUTHENTICATED" | "REQUEST_EXPIRED";
      readonly message: string;
    };

/**
 * Authenticates one request: parse headers → date window → secret lookup → signature.
 * The date is checked before the lookup, so an expired request costs no database round trip
 * and its answer does not depend on whether the app exists. Nonce reuse is NOT checked here.
 */
export async function verifyRequest(input: VerifyRequestInput): Promise<VerifyRequestResult> {
  const windowSeconds = input.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  assertWindow(windowSeconds);

  const auth = parseAuthHeaders(input.headers);
  if (!auth.ok) return auth;

  const inWindow = checkDateWindow(auth.dateMs, input.now ?? Date.now(), windowSeconds);
  if (!inWindow.ok) return inWindow;

  const secret = await input.lookupSecret(auth.appId);
  const signatureOk = verifySignature({
    secret: secret ?? DUMMY_SECRET,
    method: input.method,
    path: input.path,
    rawQuery: input.rawQuery ?? "",
    appId: auth.appId,
    date: auth.date,
    nonce: auth.nonce,
    signature: auth.signature,
    capabilityPrefix: input.capabilityPrefix,
  });
  if (secret === null || !signatureOk) {
    return { ok: false, reason: "UNAUTHENTICATED", message: INVALID_CREDENTIALS_MESSAGE };
  }

  return {
    ok: true,
    appId: auth.appId,
    nonce: auth.nonce,
    dateMs: auth.dateMs,
    nonceExpiresAtMs: auth.dateMs + windowSeconds * 1000,
  };
}
