// The error catalogue (docs/errors.md) as data: every adapter (REST, tRPC, console) derives the
// envelope code and the HTTP status from here, so they cannot drift apart.

export const ERROR_REASONS = [
  "INVALID_PARAM",
  "UNAUTHENTICATED",
  "REQUEST_EXPIRED",
  "NONCE_REUSED",
  "PERMISSION_DENIED",
  "NOT_FOUND",
  "INVALID_STATE",
  "MEMBER_LIMIT_EXCEEDED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "INTERNAL",
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

export interface ErrorDefinition<Reason extends ErrorReason = ErrorReason> {
  /** Envelope `code`. */
  readonly code: number;
  readonly reason: Reason;
  readonly httpStatus: number;
  /** Default English message, used when the thrower gives none. */
  readonly message: string;
}

/** Success is not an error: code 0, reason "SUCCESS", HTTP 200. */
export const SUCCESS_CODE = 0;
export const SUCCESS_REASON = "SUCCESS";

export const ERROR_CATALOGUE: { readonly [R in ErrorReason]: ErrorDefinition<R> } = Object.freeze({
  INVALID_PARAM: {
    code: 1001,
    reason: "INVALID_PARAM",
    httpStatus: 400,
    message: "invalid parameter",
  },
  UNAUTHENTICATED: {
    code: 1002,
    reason: "UNAUTHENTICATED",
    httpStatus: 401,
    message: "authentication failed",
  },
  REQUEST_EXPIRED: {
    code: 1003,
    reason: "REQUEST_EXPIRED",
    httpStatus: 401,
    message: "request date is outside the allowed window",
  },
  NONCE_REUSED: {
    code: 1004,
    reason: "NONCE_REUSED",
    httpStatus: 401,
    message: "nonce has already been used",
  },
  PERMISSION_DENIED: {
    code: 1005,
    reason: "PERMISSION_DENIED",
    httpStatus: 403,
    message: "permission denied",
  },
  NOT_FOUND: { code: 1006, reason: "NOT_FOUND", httpStatus: 404, message: "not found" },
  INVALID_STATE: {
    code: 1007,
    reason: "INVALID_STATE",
    httpStatus: 409,
    message: "not allowed in the current state",
  },
  MEMBER_LIMIT_EXCEEDED: {
    code: 1008,
    reason: "MEMBER_LIMIT_EXCEEDED",
    httpStatus: 409,
    message: "member limit exceeded",
  },
  PAYLOAD_TOO_LARGE: {
    code: 1009,
    reason: "PAYLOAD_TOO_LARGE",
    httpStatus: 413,
    message: "request body is too large",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    code: 1010,
    reason: "UNSUPPORTED_MEDIA_TYPE",
    httpStatus: 415,
    message: "request body must be JSON",
  },
  RATE_LIMITED: {
    code: 1011,
    reason: "RATE_LIMITED",
    httpStatus: 429,
    message: "too many requests",
  },
  UNAVAILABLE: {
    code: 1012,
    reason: "UNAVAILABLE",
    httpStatus: 503,
    message: "service temporarily unavailable",
  },
  INTERNAL: { code: 1013, reason: "INTERNAL", httpStatus: 500, message: "internal error" },
});

export function isErrorReason(value: unknown): value is ErrorReason {
  return typeof value === "string" && Object.hasOwn(ERROR_CATALOGUE, value);
}
