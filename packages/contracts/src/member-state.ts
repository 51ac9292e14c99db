import type { MemberSessionStateName } from "./enums";

// The member state machine (docs/state-machine.md, "Members"), as data, so the domain, the database checks and the
// console all refuse the same transitions.

/** States a member ends in; a new invite rings them again. */
export const TERMINAL_MEMBER_STATES = Object.freeze([
  "MEMBER_LEFT",
  "MEMBER_TIMEOUT",
  "MEMBER_BUSY",
  "MEMBER_OFFLINE",
  "MEMBER_KICKOUT",
  "MEMBER_DECLINE",
] as const satisfies readonly MemberSessionStateName[]);
export type TerminalMemberState = (typeof TERMINAL_MEMBER_STATES)[number];

/** States counted against the session's member limit. */
export const LIVE_MEMBER_STATES = Object.freeze([
  "MEMBER_CALLING",
  "MEMBER_TALKING",
] as const satisfies readonly MemberSessionStateName[]);
export type LiveMemberState = (typeof LIVE_MEMBER_STATES)[number];

const RING = Object.freeze(["MEMBER_CALLING"] as const);

/**
 * Allowed transitions, `from → to[]`. Anything not listed is INVALID_STATE. Staying in the same
 * state is not a transition (an invite of a CALLING/TALKING member leaves it unchanged).
 * MEMBER_UNSPECIFIED (a member added by /create, never rung) → CALLING is our addition: the original product brief
 * is silent, and without it a member listed at creation could never be invited.
 */
export const MEMBER_TRANSITIONS: Readonly<
  Record<MemberSessionStateName, readonly MemberSessionStateName[]>
> = Object.freeze({
  MEMBER_UNSPECIFIED: RING,
  MEMBER_CALLING: Object.freeze([
    "MEMBER_TALKING",
    "MEMBER_DECLINE",
    "MEMBER_BUSY",
    "MEMBER_OFFLINE",
    "MEMBER_TIMEOUT",
  ] as const),
  MEMBER_TALKING: Object.freeze(["MEMBER_LEFT", "MEMBER_KICKOUT", "MEMBER_OFFLINE"] as const),
  MEMBER_LEFT: RING,
  MEMBER_TIMEOUT: RING,
  MEMBER_BUSY: RING,
  MEMBER_OFFLINE: RING,
  MEMBER_KICKOUT: RING,
  MEMBER_DECLINE: RING,
});

export function canTransition(from: MemberSessionStateName, to: MemberSessionStateName): boolean {
  return MEMBER_TRANSITIONS[from].includes(to);
}

export function isTerminalMemberState(state: MemberSessionStateName): state is TerminalMemberState {
  return (TERMINAL_MEMBER_STATES as readonly string[]).includes(state);
}

export function isLiveMemberState(state: MemberSessionStateName): state is LiveMemberState {
  return (LIVE_MEMBER_STATES as readonly string[]).includes(state);
}
