import { createHmac } from "node:crypto";
import { type SigningStringInput, signingString } from "./signing-string";

/** An app secret: the string as issued (used as UTF-8 bytes) or raw key bytes. */
export type Secret = string | Uint8Array;

export interface SignInput extends SigningStringInput {
  readonly secret: Secret;
}

/** The raw 32-byte HMAC-SHA256 digest of a signing string. */
export function hmacSha256(secret: Secret, message: string): Buffer {
  return createHmac("sha256", secret).update(message, "utf8").digest();
}

/**
 * base64(HMAC-SHA256(secret, signingString)). Base64 of the raw digest, not hex: the doc's
 * prose says hex, but its worked example only reproduces as base64.
 */
export function sign(input: SignInput): string {
  return hmacSha256(input.secret, signingString(input)).toString("base64");
}
