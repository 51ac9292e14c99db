import { ERROR_CATALOGUE, type ErrorReason, isErrorReason } from "./error-catalogue";

// The one error type domain code throws. It carries a catalogue reason, not an HTTP status: each
// adapter maps it (ERROR_CATALOGUE[reason]) to its envelope and status. No zod, no Node APIs.

export interface HiarErrorOptions {
  /** Path of the offending input field, in JS notation ("members[0].userID"). */
  field?: string;
  /** Extra data for logs; adapters do not send it to callers. */
  details?: unknown;
  cause?: unknown;
}

export class HiarError extends Error {
  override readonly name = "HiarError";
  readonly reason: ErrorReason;
  readonly field: string | undefined;
  readonly details: unknown;

  constructor(reason: ErrorReason, message?: string, options: HiarErrorOptions = {}) {
    super(
      message ?? ERROR_CATALOGUE[reason].message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.reason = reason;
    this.field = options.field;
    this.details = options.details;
  }

  /** Envelope `code` (1001…). */
  get code(): number {
    return ERROR_CATALOGUE[this.reason].code;
  }

  get httpStatus(): number {
    return ERROR_CATALOGUE[this.reason].httpStatus;
  }
}

/**
 * True for a HiarError, also one from another copy of this module (bundlers can load a workspace
 * package twice, which breaks `instanceof`).
 */
export function isHiarError(value: unknown): value is HiarError {
  return (
    value instanceof HiarError ||
    (value instanceof Error &&
      value.name === "HiarError" &&
      isErrorReason((value as { reason?: unknown }).reason))
  );
}
