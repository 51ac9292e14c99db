import type { ErrorReason as CatalogueReason } from "@collab/contracts";

/** A reason of the error catalogue: "INVALID_PARAM", "UNAUTHENTICATED", … "INTERNAL". */
export type ErrorReason = CatalogueReason;

// What a call can throw. An answer of the API is a HiarApiError (the envelope's code, reason and
// message, the HTTP status, the trace id); a call that got no usable answer is a
// HiarTransportError. Both carry the trace id to quote to the service's operator.

export interface HiarApiErrorInit {
  readonly code: number;
  readonly reason: ErrorReason;
  readonly message: string;
  readonly httpStatus: number;
  readonly traceId: string;
  /** From `Retry-After`, when the server sent one. */
  readonly retryAfterMs?: number | undefined;
  readonly attempts?: number;
}

/** The API answered with an error envelope (or a bare 429/503 from a gateway). */
export class HiarApiError extends Error {
  override readonly name = "HiarApiError";
  /** Envelope code: 1001 INVALID_PARAM … 1013 INTERNAL. */
  readonly code: number;
  readonly reason: ErrorReason;
  readonly httpStatus: number;
  /** The request's `trace` as the server echoed it. */
  readonly traceId: string;
  readonly retryAfterMs: number | undefined;
  /** How many attempts were made (more than 1 after retries). */
  attempts: number;

  constructor(init: HiarApiErrorInit) {
    super(init.message);
    this.code = init.code;
    this.reason = init.reason;
    this.httpStatus = init.httpStatus;
    this.traceId = init.traceId;
    this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempts ?? 1;
  }
}

export type TransportFailure =
  /** No answer within `timeoutMs`. Not retried: the server may have done the work. */
  | "timeout"
  /** The connection failed (refused, reset, DNS). Not retried, for the same reason. */
  | "network"
  /** An answer that is not the documented envelope. */
  | "invalid_response";

export class HiarTransportError extends Error {
  override readonly name = "HiarTransportError";
  readonly kind: TransportFailure;
  readonly traceId: string;
  /** The HTTP status, when an answer arrived. */
  readonly httpStatus: number | undefined;
  attempts: number;

  constructor(
    kind: TransportFailure,
    message: string,
    details: { traceId: string; httpStatus?: number; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.traceId = details.traceId;
    this.httpStatus = details.httpStatus;
    this.attempts = 1;
  }
}

/** True for a HiarApiError, of a given reason if one is named. */
export function isHiarApiError(error: unknown, reason?: ErrorReason): error is HiarApiError {
  return error instanceof HiarApiError && (reason === undefined || error.reason === reason);
}
