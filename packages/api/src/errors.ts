import { describeZodError, HiarError, isHiarError } from "@collab/contracts";
import { CorruptSecretError, isDatabaseUnavailableError, UnknownSecretKeyError } from "@collab/db";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";

/**
 * Any thrown value as the catalogue error every adapter renders: a HiarError as is (also when
 * tRPC wrapped it, at any depth), a failed input parse as INVALID_PARAM naming the field, a lost
 * database as UNAVAILABLE, tRPC's own refusals of a malformed request (unknown procedure, bad
 * JSON, wrong method, too many calls, …) as the 4xx they are, anything else as INTERNAL (its
 * details stay in the server log).
 */
export function toHiarError(error: unknown): HiarError {
  const original = isTRPCError(error) && error.cause !== undefined ? error.cause : error;
  if (isHiarError(original)) return original;
  if (original instanceof ZodError) {
    const { field, message } = describeZodError(original);
    return new HiarError("INVALID_PARAM", message, { field });
  }
  if (isDatabaseUnavailableError(original)) {
    return new HiarError("UNAVAILABLE", undefined, { cause: original });
  }
  // A stored app secret under a key this process was not given (APP_SECRET_ENCRYPTION_*): the
  // deployment's mistake, not the caller's, and not a wrong secret.
  if (original instanceof UnknownSecretKeyError || original instanceof CorruptSecretError) {
    return new HiarError("UNAVAILABLE", undefined, { cause: original });
  }
  // e.g. the capped request body's error, reaching tRPC through req.json()'s rejection.
  const nested = nestedHiarError(original);
  if (nested !== undefined) return nested;
  if (isTRPCError(error)) {
    const refused = requestRefusedByTRPC(error);
    if (refused !== null) return refused;
  }
  return new HiarError("INTERNAL", undefined, { cause: original });
}

/** The console endpoint's bounds (apps/web passes them to tRPC; the client batches within them). */
export const CONSOLE_ENDPOINT_LIMITS = Object.freeze({
  /** Calls in one batched request (tRPC's maxBatchSize; the console's httpBatchLink maxItems). */
  maxBatchSize: 10,
  /** Bytes of one request body (the REST API's limit too). */
  maxBodyBytes: 1024 * 1024,
});

function isTRPCError(error: unknown): error is TRPCError {
  // By name too: a bundler may load @trpc/server twice.
  return error instanceof TRPCError || (error instanceof Error && error.name === "TRPCError");
}

function nestedHiarError(error: unknown): HiarError | undefined {
  let cause = error;
  for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
    if (isHiarError(cause)) return cause;
    cause = cause.cause;
  }
  return isHiarError(cause) ? cause : undefined;
}

/**
 * tRPC's own errors about the request (raised before any procedure ran): the catalogue error the
 * client gets, with a fixed message (tRPC's may quote the request). Null for a server fault.
 */
function requestRefusedByTRPC(error: TRPCError): HiarError | null {
  switch (error.code) {
    case "NOT_FOUND":
      return new HiarError("NOT_FOUND", "no such procedure");
    case "METHOD_NOT_SUPPORTED":
      return new HiarError(
        "INVALID_PARAM",
        "wrong HTTP method: queries and subscriptions are GET, mutations are POST",
      );
    case "UNSUPPORTED_MEDIA_TYPE":
      return new HiarError(
        "UNSUPPORTED_MEDIA_TYPE",
        "the request body must be JSON (Content-Type: application/json)",
      );
    case "PAYLOAD_TOO_LARGE":
      return new HiarError("PAYLOAD_TOO_LARGE");
    case "PARSE_ERROR":
    case "BAD_REQUEST":
      return badRequest(error);
    default:
      return null;
  }
}

function badRequest(error: TRPCError): HiarError {
  if (error.message === "Batch call exceeds maximum size") {
    return new HiarError(
      "PAYLOAD_TOO_LARGE",
      `too many calls in one batch (at most ${CONSOLE_ENDPOINT_LIMITS.maxBatchSize})`,
    );
  }
  if (error.cause instanceof SyntaxError || error.code === "PARSE_ERROR") {
    return new HiarError("INVALID_PARAM", "the input is not valid JSON");
  }
  if (error.message.startsWith("Invalid URL-encoding")) {
    return new HiarError("INVALID_PARAM", "the procedure path is not validly URL-encoded");
  }
  if (error.message.startsWith('"input" needs to be an object')) {
    return new HiarError("INVALID_PARAM", "a batch's input must be an object keyed by call index");
  }
  return new HiarError("INVALID_PARAM", "malformed request");
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
