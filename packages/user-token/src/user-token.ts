import { LIMITS, USER_TOKEN_MAX_TTL_SECONDS } from "@collab/contracts";
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT } from "jose";

// End-user tokens (docs/hiar-api.md, "User tokens"): a JWT signed with HS256 under the app's
// secret, minted by the app's own server without a round trip. Claims: iss = APPID, sub = userID,
// iat, nbf, exp (at most USER_TOKEN_MAX_TTL_SECONDS after iat) and optionally `did`, the device
// id. Verification needs the app's current secret, so changing the secret invalidates every token
// minted with the old one.

export { USER_TOKEN_MAX_TTL_SECONDS };
/** Clock skew tolerated between the minting server and this one, for nbf and exp. */
export const USER_TOKEN_CLOCK_TOLERANCE_SECONDS = 30;
/** Longest token accepted for verification: a real one is a few hundred characters. */
export const USER_TOKEN_MAX_LENGTH = 2_048;
/** userID and deviceID: 1–64 characters, as every HiAR id. */
const MAX_ID_LENGTH = LIMITS.maxIdLength;
/** The claim carrying the device id. */
export const DEVICE_ID_CLAIM = "did";

export interface CreateUserTokenInput {
  readonly appId: string;
  /** The app's secret (as issued; used as UTF-8 bytes, like the HiAR request signature). */
  readonly secret: string;
  readonly userID: string;
  /** The device the token is for; user procedures report it in the events they cause. */
  readonly deviceID?: string;
  /** Lifetime, 1 … 86,400 seconds. */
  readonly ttlSeconds: number;
  /** Issue time (default: now). */
  readonly now?: Date;
}

export interface UserTokenClaims {
  readonly appId: string;
  readonly userID: string;
  /** Absent when the token names no device. */
  readonly deviceID?: string;
  readonly expiresAt: Date;
}

export type UserTokenRefusal =
  | "malformed"
  | "unknown_app"
  | "bad_signature"
  | "expired"
  | "not_yet_valid";

export type VerifyUserTokenResult =
  | { readonly ok: true; readonly claims: UserTokenClaims }
  | { readonly ok: false; readonly reason: UserTokenRefusal; readonly message: string };

export interface VerifyUserTokenOptions {
  /**
   * The app's secret, or every secret it accepts (during a secret rotation's overlap: the current
   * one and the previous one), or null when no such app exists.
   */
  readonly lookupSecret: (appId: string) => Promise<string | readonly string[] | null>;
  /** The verification time (default: now). */
  readonly now?: Date;
}

const encoder = new TextEncoder();

function idLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && idLength(value) <= MAX_ID_LENGTH;
}

/** Mints a token; throws a RangeError for an invalid id, secret or lifetime. */
export async function createUserToken(input: CreateUserTokenInput): Promise<string> {
  const { appId, secret, userID, deviceID, ttlSeconds } = input;
  if (!isId(appId)) throw new RangeError("appId must be 1–64 characters");
  if (typeof secret !== "string" || secret.length === 0) {
    throw new RangeError("secret must be the app's (non-empty) secret");
  }
  if (!isId(userID)) throw new RangeError("userID must be 1–64 characters");
  if (deviceID !== undefined && !isId(deviceID)) {
    throw new RangeError("deviceID must be 1–64 characters when given");
  }
  if (!(Number.isSafeInteger(ttlSeconds) && ttlSeconds > 0)) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
  if (ttlSeconds > USER_TOKEN_MAX_TTL_SECONDS) {
    throw new RangeError(`ttlSeconds must be at most ${USER_TOKEN_MAX_TTL_SECONDS} (24 h)`);
  }
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const claims = deviceID === undefined ? {} : { [DEVICE_ID_CLAIM]: deviceID };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(appId)
    .setSubject(userID)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(encoder.encode(secret));
}

const refuse = (reason: UserTokenRefusal, message: string): VerifyUserTokenResult => ({
  ok: false,
  reason,
  message,
});

/**
 * Verifies a token on every use: shape and algorithm (HS256 only), the app (iss) exists, the
 * signature under its current secret, nbf and exp (± USER_TOKEN_CLOCK_TOLERANCE_SECONDS), a
 * lifetime of at most 24 h, and the ids. Never throws for a bad token; the messages never contain
 * the token.
 */
export async function verifyUserToken(
  token: string,
  options: VerifyUserTokenOptions,
): Promise<VerifyUserTokenResult> {
  if (typeof token !== "string" || token.length === 0 || token.length > USER_TOKEN_MAX_LENGTH) {
    return refuse("malformed", "the user token is missing or malformed");
  }
  let issuer: unknown;
  try {
    if (decodeProtectedHeader(token).alg !== "HS256") {
      return refuse("malformed", "the user token must be signed with HS256");
    }
    issuer = decodeJwt(token).iss;
  } catch {
    return refuse("malformed", "the user token is malformed");
  }
  if (!isId(issuer)) return refuse("malformed", "the user token names no app (iss)");
  const found = await options.lookupSecret(issuer);
  if (found === null) return refuse("unknown_app", "the user token's app does not exist");
  const secrets: readonly string[] = typeof found === "string" ? [found] : found;

  // Every accepted secret is tried, also after one verified, so the time taken does not say
  // which secret signed the token.
  let payload: Record<string, unknown> | undefined;
  let failure: unknown;
  for (const secret of secrets) {
    try {
      const verified = await jwtVerify(token, encoder.encode(secret), {
        algorithms: ["HS256"],
        issuer,
        requiredClaims: ["sub", "iat", "exp"],
        clockTolerance: USER_TOKEN_CLOCK_TOLERANCE_SECONDS,
        ...(options.now === undefined ? {} : { currentDate: options.now }),
      });
      payload ??= verified.payload;
    } catch (error) {
      // The secret that did sign it says what is wrong (expired, …), not the one that did not.
      if (failure === undefined || failure instanceof errors.JWSSignatureVerificationFailed) {
        failure = error;
      }
    }
  }
  if (payload === undefined) {
    const error = failure;
    if (error instanceof errors.JWTExpired) return refuse("expired", "the user token has expired");
    if (error instanceof errors.JWSSignatureVerificationFailed || error === undefined) {
      return refuse("bad_signature", "the user token's signature is not valid for its app");
    }
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "nbf") {
      return refuse("not_yet_valid", "the user token is not valid yet (nbf)");
    }
    return refuse("malformed", "the user token is malformed");
  }

  const { sub, iat, exp } = payload;
  const deviceID = payload[DEVICE_ID_CLAIM];
  if (!isId(sub)) return refuse("malformed", "the user token's subject (sub) is not a userID");
  if (deviceID !== undefined && !isId(deviceID)) {
    return refuse("malformed", "the user token's device id is not 1–64 characters");
  }
  if (typeof iat !== "number" || typeof exp !== "number") {
    return refuse("malformed", "the user token is malformed");
  }
  if (exp - iat > USER_TOKEN_MAX_TTL_SECONDS) {
    return refuse("malformed", "the user token lives longer than 24 h");
  }
  return {
    ok: true,
    claims: {
      appId: issuer,
      userID: sub,
      ...(deviceID === undefined ? {} : { deviceID }),
      expiresAt: new Date(exp * 1000),
    },
  };
}
