// What a device may read from its own user token without the app's secret: the claims, to know
// its user and device (a device tells "answered on another device" by comparing device ids).
// Nothing here verifies the token; the server does, on every call (docs/user-channel.md).

export interface UserTokenInfo {
  /** The app (the token's issuer). */
  readonly appId: string | null;
  /** The user the token acts as (its subject). */
  readonly userID: string | null;
  /** The device the token names, null when none. */
  readonly deviceID: string | null;
  /** Expiry, unix milliseconds (null when absent). */
  readonly expiresAt: number | null;
}

const NONE: UserTokenInfo = { appId: null, userID: null, deviceID: null, expiresAt: null };

function base64UrlDecode(segment: string): string {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** The token's claims, read (not verified); all null for something that is not a JWT. */
export function readUserToken(token: string): UserTokenInfo {
  const payload = token.split(".")[1];
  if (payload === undefined) return NONE;
  try {
    const claims = JSON.parse(base64UrlDecode(payload)) as Record<string, unknown>;
    return {
      appId: text(claims.iss),
      userID: text(claims.sub),
      deviceID: text(claims.did),
      expiresAt: typeof claims.exp === "number" ? claims.exp * 1000 : null,
    };
  } catch {
    return NONE;
  }
}
