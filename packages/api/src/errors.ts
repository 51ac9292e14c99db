import { describeZodError, HiarError, isHiarError } from "@collab/contracts";
import { isDatabaseUnavailableError } from "@collab/db";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";

/**
 * Any thrown value as the catalogue error every adapter renders: a HiarError as is (also when
 * tRPC wrapped it), a failed input parse as INVALID_PARAM naming the field, a lost database as
 * UNAVAILABLE, anything else as INTERNAL (its details stay in the server log).
 */
export function toHiarError(error: unknown): HiarError {
  const original = error instanceof TRPCError && error.cause !== undefined ? error.cause : error;
  if (isHiarError(original)) return original;
  if (original instanceof ZodError) {
    const { field, message } = describeZodError(original);
    return new HiarError("INVALID_PARAM", message, { field });
  }
  if (isDatabaseUnavailableError(original)) {
    return new HiarError("UNAVAILABLE", undefined, { cause: original });
  }
  return new HiarError("INTERNAL", undefined, { cause: original });
}

const TRPC_CODE_BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
  503: "SERVICE_UNAVAILABLE",
};

/** The tRPC error carrying a catalogue error, with the HTTP status the catalogue gives. */
export function toTRPCError(error: HiarError): TRPCError {
  return new TRPCError({
    code: TRPC_CODE_BY_STATUS[error.httpStatus] ?? "INTERNAL_SERVER_ERROR",
    message: error.message,
    cause: error,
  });
}
