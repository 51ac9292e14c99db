import type * as z from "zod";
import { boundedString, ExtraField, IdField, message, withZero } from "./scalars";

// Why a ring or a call ended: this project's extension (docs/state-machine.md, "Reasons"). An
// optional short code and free text on decline, busy, leave, cancel, kickout and end, stored in
// the event's payload (`reason`, `extra`) only when sent, so clients that send neither see
// exactly what they saw before.

/** Longest `reason` code, in characters. */
export const MAX_REASON_LENGTH = 64;

/**
 * Codes the service suggests (an app may send its own). `session_ended` is not among them: it is
 * the server's own reason on the member.left events of /session/end, and refused in requests so
 * that a payload's `reason` always says who gave it.
 */
export const SUGGESTED_REASONS = ["busy", "declined", "no_answer", "other"] as const;

/** The server's reason on /session/end's member.left events; no request may send it. */
export const SESSION_ENDED_REASON = "session_ended";

/** `reason`: 0–64 characters ("" or absent = none), not the server's own `session_ended`. */
export const ReasonField = withZero(
  boundedString(0, MAX_REASON_LENGTH)
    .refine((value) => value !== SESSION_ENDED_REASON, {
      error: `must not be "${SESSION_ENDED_REASON}" (the server's own reason when a session ends)`,
    })
    .meta({ maxLength: MAX_REASON_LENGTH }),
  "",
);

/** The two optional fields, spread into each request that carries a reason. */
export const REASON_FIELDS = {
  /** A short code saying why (e.g. busy, declined, no_answer, other, or the app's own). */
  reason: ReasonField,
  /** Free text or data for the app (≤ 4096 characters). */
  extra: ExtraField,
} as const;

/** A request's reason, as the use cases take it (absent and "" are the same: none). */
export interface ReasonInput {
  readonly reason?: string;
  readonly extra?: string;
}

/** A parsed request whose reason and extra a caller may leave out (the use cases' inputs). */
export type WithOptionalReason<T> = Omit<T, "reason" | "extra"> & ReasonInput;

/** The payload fields a reason adds to an event: only those sent (non-empty). */
export function reasonPayload(input: ReasonInput): { reason?: string; extra?: string } {
  const payload: { reason?: string; extra?: string } = {};
  if (input.reason !== undefined && input.reason !== "") payload.reason = input.reason;
  if (input.extra !== undefined && input.extra !== "") payload.extra = input.extra;
  return payload;
}

/** The app's reason carried by a stored event payload, or null fields (never `session_ended`). */
export function payloadReason(payload: unknown): { reason: string | null; extra: string | null } {
  const p =
    typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : {};
  const reason =
    typeof p.reason === "string" && p.reason !== "" && p.reason !== SESSION_ENDED_REASON
      ? p.reason
      : null;
  const extra = typeof p.extra === "string" && p.extra !== "" ? p.extra : null;
  return { reason, extra };
}

/** user.decline, user.busy, user.leave: the call, and the optional reason. */
export const UserCallWithReasonRequest = message({
  collaborationID: IdField,
  sessionID: IdField,
  ...REASON_FIELDS,
});
export type UserCallWithReasonRequest = z.output<typeof UserCallWithReasonRequest>;
export type UserCallWithReasonRequestInput = z.input<typeof UserCallWithReasonRequest>;
