import {
  COMMON_ERRORS,
  ERROR_CATALOGUE,
  ERROR_REASONS,
  type ErrorReason,
  errorEnvelope,
  HIAR_OPERATIONS,
  InviteSessionRequest,
  isHiarError,
  parseOrThrow,
} from "@collab/contracts";
import { HIAR_DOC_INVITE_EXAMPLE } from "./examples";

// The error catalogue in the document: one schema per reason (its code and reason as constants),
// and per operation one response per HTTP status listing the reasons that can answer with it.

/** When each reason is answered (docs/errors.md, "The catalogue"), for readers of the document. */
export const ERROR_WHEN = {
  INVALID_PARAM: "Validation failed (malformed JSON included); the message names the field.",
  UNAUTHENTICATED:
    "A HiAR header is missing or malformed, the app is unknown, the signature does not match, " +
    "or `appid` differs from X-HIAR-OPENAPI-APPID.",
  REQUEST_EXPIRED: "X-HIAR-OPENAPI-DATE is more than the allowed window from the server clock.",
  NONCE_REUSED: "This app already used this X-HIAR-OPENAPI-NONCE inside the date window.",
  PERMISSION_DENIED: "The acting user may not do this (e.g. the inviter is not in the session).",
  NOT_FOUND:
    "The collaboration or session does not exist in the calling app (another app's objects " +
    "are not found either), or the capability prefix is not this server's.",
  INVALID_STATE: "The session has ended, or the state transition is not allowed.",
  MEMBER_LIMIT_EXCEEDED: "The request would take the session past its member limit.",
  PAYLOAD_TOO_LARGE: "The body is larger than the limit.",
  UNSUPPORTED_MEDIA_TYPE: "The Content-Type is not JSON.",
  RATE_LIMITED: "The app sends too fast; retry after `Retry-After` seconds.",
  UNAVAILABLE: "The database is unreachable; retry after `Retry-After` seconds.",
  INTERNAL: "Anything else. No detail leaves the server; quote the `trace` header to support.",
} as const satisfies Record<ErrorReason, string>;

/** Reasons answered with a Retry-After header. */
export const RETRYABLE_REASONS: readonly ErrorReason[] = ["RATE_LIMITED", "UNAVAILABLE"];

/** Component name of a reason's envelope: INVALID_PARAM → InvalidParamError. */
export function errorSchemaName(reason: ErrorReason): string {
  const pascal = reason
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
  return `${pascal}Error`;
}

/** The JSON Schema of one reason's error envelope (written from the catalogue entry). */
export function errorSchema(reason: ErrorReason) {
  const entry = ERROR_CATALOGUE[reason];
  return {
    type: "object",
    title: `${reason} (${entry.code}, HTTP ${entry.httpStatus})`,
    description: ERROR_WHEN[reason],
    properties: {
      code: { type: "integer", const: entry.code },
      reason: { type: "string", const: reason },
      message: {
        type: "string",
        description: `What went wrong; "${entry.message}" unless more specific.`,
      },
      data: { type: "null" },
    },
    required: ["code", "reason", "message", "data"],
    additionalProperties: false,
  };
}

/** An example envelope per reason: INVALID_PARAM shows the real message for the doc's body. */
export function errorExample(reason: ErrorReason) {
  if (reason !== "INVALID_PARAM") return errorEnvelope(reason);
  try {
    parseOrThrow(InviteSessionRequest, HIAR_DOC_INVITE_EXAMPLE);
  } catch (error) {
    if (isHiarError(error)) return errorEnvelope(reason, error.message);
  }
  return errorEnvelope(reason);
}

/** Reasons an operation can answer, in catalogue order. */
export function operationErrors(operation: { readonly errors: readonly ErrorReason[] }) {
  const reasons = new Set<ErrorReason>([...COMMON_ERRORS, ...operation.errors]);
  return ERROR_REASONS.filter((reason) => reasons.has(reason));
}

/** Reasons grouped by HTTP status, statuses ascending. */
export function byHttpStatus(reasons: readonly ErrorReason[]): Map<number, ErrorReason[]> {
  const groups = new Map<number, ErrorReason[]>();
  for (const reason of reasons) {
    const status = ERROR_CATALOGUE[reason].httpStatus;
    groups.set(status, [...(groups.get(status) ?? []), reason]);
  }
  return new Map([...groups].sort(([a], [b]) => a - b));
}

/** Every reason any operation can answer. */
export function allOperationErrors(): ErrorReason[] {
  const all = new Set<ErrorReason>();
  for (const operation of Object.values(HIAR_OPERATIONS)) {
    for (const reason of operationErrors(operation)) all.add(reason);
  }
  return ERROR_REASONS.filter((reason) => all.has(reason));
}
