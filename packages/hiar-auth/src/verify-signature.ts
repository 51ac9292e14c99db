import { timingSafeEqual } from "node:crypto";
import { canonicalQuery } from "./canonical-query";
import { DEFAULT_CAPABILITY_PREFIX, pathCandidates } from "./capability-prefix";
import { decodeSignature } from "./formats";
import { hmacSha256, type Secret } from "./sign";
import { signingString } from "./signing-string";

export interface VerifySignatureInput {
  /**
   * The app's secret, or every secret it accepts (during a rotation's overlap: the new one and
   * the previous one); the signature is valid if it was made with any of them.
   */
  readonly secret: Secret | readonly Secret[];
  /** The request's method, any case. */
  readonly method: string;
  /** The request path as received, without the query. */
  readonly path: string;
  /** The query exactly as received, without the leading `?` ("" when there is none). */
  readonly rawQuery: string;
  readonly appId: string;
  /** The X-HIAR-OPENAPI-DATE value verbatim. */
  readonly date: string;
  readonly nonce: string;
  /** The X-HIAR-OPENAPI-SIGNATURE value. */
  readonly signature: string;
  /** Gateway prefix a client may or may not have signed; null disables. Default "/leliaRTC". */
  readonly capabilityPrefix?: string | null;
}

/**
 * Whether `signature` matches any signing string a conforming client could have produced
 * (docs/hiar-api.md, "Verification"): method lower or upper case × query as sent or canonical × path with or without
 * the capability prefix. Identical candidates are computed once. Every candidate is computed
 * and compared with `timingSafeEqual` without stopping at a match, so timing does not reveal
 * which variant matched or how close a guess came; with several secrets, every secret × every
 * candidate is computed and compared alike, so nor does it reveal which secret matched.
 */
export function verifySignature(input: VerifySignatureInput): boolean {
  const provided = decodeSignature(input.signature);
  if (provided === null) return false;

  const secrets = isSecretList(input.secret) ? input.secret : [input.secret];
  let matched = 0;
  for (const candidate of candidateSigningStrings(input)) {
    for (const secret of secrets) {
      const expected = hmacSha256(secret, candidate);
      // Both are 32 bytes (decodeSignature guarantees it), as timingSafeEqual requires.
      matched |= Number(timingSafeEqual(expected, provided));
    }
  }
  return matched === 1;
}

/** The distinct signing strings the tolerance rules accept for one request. */
export function candidateSigningStrings(
  input: Omit<VerifySignatureInput, "secret" | "signature">,
): readonly string[] {
  const { method, path, rawQuery, appId, date, nonce } = input;
  const prefix =
    input.capabilityPrefix === undefined ? DEFAULT_CAPABILITY_PREFIX : input.capabilityPrefix;
  const candidates = new Set<string>();
  for (const m of [method.toLowerCase(), method.toUpperCase()]) {
    for (const q of [rawQuery, canonicalQuery(rawQuery)]) {
      for (const p of pathCandidates(path, prefix)) {
        candidates.add(signingString({ method: m, path: p, query: q, appId, date, nonce }));
      }
    }
  }
  return [...candidates];
}

function isSecretList(secret: Secret | readonly Secret[]): secret is readonly Secret[] {
  return Array.isArray(secret);
}
