import * as z from "zod";

// Protojson reads an enum as its NAME or its NUMBER; we always hand the domain the name, so
// nothing past the parser ever sees a number. Numbering (inferred from HiAR's docs): zero is
// *_UNSPECIFIED, then the documented order, so a name's index in its list IS its number.

/** Input an enum field accepts: its name, its number, or its number as a decimal string. */
export type EnumInput<Name extends string> = Name | number | `${number}`;

const DIGITS = /^\d+$/;

function nameOf(names: readonly string[], value: unknown): unknown {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && DIGITS.test(value)
        ? Number(value)
        : undefined;
  if (n === undefined || !Number.isInteger(n)) return value;
  // Out of range stays a number, which the name check below then rejects.
  return names[n] ?? value;
}

function protoEnum<const Names extends readonly [string, ...string[]]>(names: Names) {
  const strict = z.enum(names, {
    error: `must be one of ${names.join(", ")} (or its number 0–${names.length - 1})`,
  });
  return z.preprocess<unknown, typeof strict, EnumInput<Names[number]>>(
    (value: unknown) => nameOf(names, value),
    strict,
  );
}

/** The number protojson gives `name` (its index in `names`). */
export function enumNumber<Name extends string>(names: readonly Name[], name: Name): number {
  return names.indexOf(name);
}

// --- ConfirmState (参加确认状态) -------------------------------------------------------------
export const CONFIRM_STATES = ["CONFIRM_UNSPECIFIED", "CONFIRM_ACCEPT", "CONFIRM_REJECT"] as const;
export type ConfirmStateName = (typeof CONFIRM_STATES)[number];
export const ConfirmState = protoEnum(CONFIRM_STATES);

// --- MemberSessionState (会话中成员状态) ------------------------------------------------------
export const MEMBER_SESSION_STATES = [
  "MEMBER_UNSPECIFIED",
  "MEMBER_CALLING",
  "MEMBER_TALKING",
  "MEMBER_LEFT",
  "MEMBER_TIMEOUT",
  "MEMBER_BUSY",
  "MEMBER_OFFLINE",
  "MEMBER_KICKOUT",
  "MEMBER_DECLINE",
] as const;
export type MemberSessionStateName = (typeof MEMBER_SESSION_STATES)[number];
export const MemberSessionState = protoEnum(MEMBER_SESSION_STATES);

// --- CollaborationState: HiAR documents only START; END is our extension --------------------
export const COLLABORATION_STATES = [
  "COLLABORATION_UNSPECIFIED",
  "COLLABORATION_START",
  "COLLABORATION_END",
] as const;
export type CollaborationStateName = (typeof COLLABORATION_STATES)[number];
export const CollaborationState = protoEnum(COLLABORATION_STATES);

// --- SessionState: HiAR documents only SCHEDULE; START and END are our extensions -----------
export const SESSION_STATES = [
  "SESSION_UNSPECIFIED",
  "SESSION_SCHEDULE",
  "SESSION_START",
  "SESSION_END",
] as const;
export type SessionStateName = (typeof SESSION_STATES)[number];
export const SessionState = protoEnum(SESSION_STATES);

// --- RecordState: only the zero value is known; append new names at the end when learnt ----
export const RECORD_STATES = ["RECORD_STATE_UNSPECIFIED"] as const;
export type RecordStateName = (typeof RECORD_STATES)[number];
export const RecordState = protoEnum(RECORD_STATES);

// --- StopControl: its only known name says it is zero ----------------------------------------
export const STOP_CONTROLS = ["STOP_ZERO"] as const;
export type StopControlName = (typeof STOP_CONTROLS)[number];
export const StopControl = protoEnum(STOP_CONTROLS);

// --- CloseControl ----------------------------------------------------------------------------
export const CLOSE_CONTROLS = ["CLOSE_UNSPECIFIED", "CLOSE_MANUAL"] as const;
export type CloseControlName = (typeof CLOSE_CONTROLS)[number];
export const CloseControl = protoEnum(CLOSE_CONTROLS);

// --- Right (role rights; spellings after DELETE_MEMBER are inferred from a truncated doc) ---
export const RIGHTS = [
  "RIGHT_UNSPECIFIED",
  "RIGHT_DELETE_MEMBER",
  "RIGHT_CANCEL",
  "RIGHT_ALL",
  "RIGHT_START",
  "RIGHT_KICKOUT",
] as const;
export type RightName = (typeof RIGHTS)[number];
export const Right = protoEnum(RIGHTS);
