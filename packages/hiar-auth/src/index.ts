export { canonicalQuery } from "./canonical-query";
export { DEFAULT_CAPABILITY_PREFIX } from "./capability-prefix";
export {
  checkDateWindow,
  type DateWindowResult,
  DEFAULT_WINDOW_SECONDS,
} from "./date-window";
export {
  getHeader,
  HEADER_APP_ID,
  HEADER_APPID_ALIAS,
  HEADER_DATE,
  HEADER_NONCE,
  HEADER_SIGNATURE,
  HEADER_TRACE,
  type HeadersLike,
} from "./headers";
export {
  type AuthHeaders,
  type ParseAuthHeadersResult,
  parseAuthHeaders,
  type Unauthenticated,
} from "./parse-auth-headers";
export { type PathAndQuery, splitRequestTarget } from "./request-target";
export { formatRfc3339, parseRfc3339, type Rfc3339Result } from "./rfc3339";
export { hmacSha256, type Secret, type SignInput, sign } from "./sign";
export {
  type HiarAuthHeaders,
  type SignRequestHeadersInput,
  type SignTarget,
  signRequestHeaders,
} from "./sign-request-headers";
export { type SigningStringInput, signingString } from "./signing-string";
export {
  INVALID_CREDENTIALS_MESSAGE,
  type VerifyRequestInput,
  type VerifyRequestResult,
  verifyRequest,
} from "./verify-request";
export {
  candidateSigningStrings,
  type VerifySignatureInput,
  verifySignature,
} from "./verify-signature";
