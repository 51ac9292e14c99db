import type { AppRouter } from "@collab/api";
import { TRPCClientError } from "@trpc/client";

/** A failed procedure as the console shows it: the catalogue's reason, message and field. */
export interface ConsoleError {
  readonly reason: string;
  readonly message: string;
  /** The offending input field in JS notation ("members[1].userID"), when there is one. */
  readonly field: string | null;
  /** tRPC's code (e.g. UNAUTHORIZED, NOT_FOUND); null when the server was not reached. */
  readonly code: string | null;
}

/** Reads the catalogue error (reason, message, field) the server's errorFormatter adds. */
export function consoleErrorOf(error: unknown): ConsoleError {
  if (error instanceof TRPCClientError) {
    const typed = error as TRPCClientError<AppRouter>;
    const data = typed.data;
    if (data?.hiar) {
      return {
        reason: data.hiar.reason,
        message: typed.message,
        field: data.hiar.field,
        code: data.code,
      };
    }
    return {
      reason: "UNAVAILABLE",
      message: "The server could not be reached. Check your connection and try again.",
      field: null,
      code: data?.code ?? null,
    };
  }
  return {
    reason: "INTERNAL",
    message: error instanceof Error ? error.message : "Something went wrong.",
    field: null,
    code: null,
  };
}

/** Whether a query should be retried: never for the caller's own mistakes (4xx). */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return true;
  const status = (error as TRPCClientError<AppRouter>).data?.httpStatus;
  return status === undefined || status >= 500;
}

/**
 * Which form field an error belongs to, given the form's fields by the input path prefix they
 * edit: `{ userID: "inviter", members: "invitees", "members[].roles": "roles" }`. Per-member paths
 * (`members[3].roles[0]`) match their `members[]` pattern first, then `members`. Null: no field
 * of the form (shown above the submit button instead).
 */
export function formFieldFor<F extends string>(
  field: string | null,
  fields: Readonly<Record<string, F>>,
): F | null {
  if (field === null || field === "") return null;
  const generic = field.replace(/\[\d+\]/g, "[]");
  // Longest matching prefix wins: members[].deviceType before members.
  const candidates = Object.keys(fields).sort((a, b) => b.length - a.length);
  for (const candidate of candidates) {
    if (
      generic === candidate ||
      generic.startsWith(`${candidate}.`) ||
      generic.startsWith(`${candidate}[`)
    ) {
      return fields[candidate] ?? null;
    }
  }
  return null;
}
