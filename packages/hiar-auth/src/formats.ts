// Format rules shared by the parser, the verifier and the signer. They also keep "\n" out of
// every field that goes into the signing string, so no field can spill into its neighbour.

/** App id: 1–128 visible ASCII characters (no spaces), as the platform issues them. */
export const APP_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * Nonce: 1–128 printable ASCII characters. Whitespace is excluded: surrounding whitespace is
 * trimmed from header values anyway, and inner spaces would let a repeated header
 * ("n1, n2") pass as one nonce. A UUID (what the doc asks for) always fits.
 */
export const NONCE_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * Standard base64 of exactly 32 bytes: 43 characters, the last of which carries 2 padding bits
 * that must be zero, then one "=". Requiring the canonical encoding means one digest has one
 * accepted spelling; base64url and hex are refused.
 */
export const SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** The decoded signature, or null when it is not canonical base64 of 32 bytes. */
export function decodeSignature(signature: string): Buffer | null {
  return SIGNATURE_PATTERN.test(signature) ? Buffer.from(signature, "base64") : null;
}
