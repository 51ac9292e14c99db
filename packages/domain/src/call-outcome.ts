import {
  type CallOutcome,
  MEMBER_SESSION_STATES,
  type MemberSessionStateName,
  type MissedReason,
} from "@collab/contracts";

// A call's outcome for the user who was rung (POST /user/calls, docs/hiar-api.md): one pure
// rule, from the user's member state in the session and the last event about them there. The
// SQL that filters calls by outcome is derived from this function (callOutcomeKeys), so the rule
// lives here only.

/** The event of a cancelled ring (the inviter withdrew it): final state MEMBER_LEFT. */
export const MEMBER_CANCELLED_EVENT = "member.cancelled";

/** Event types the rule tells apart; every other type counts only through its states. */
export const OUTCOME_EVENT_TYPES: readonly string[] = [MEMBER_CANCELLED_EVENT];

/** Not an event type: stands for "any type not in OUTCOME_EVENT_TYPES" when enumerating. */
const ANY_OTHER_EVENT_TYPE = "*";

export interface CallFacts {
  /** The user's state in the session now. */
  readonly memberSessionState: MemberSessionStateName;
  /** Type of the last event about the user in the session (null: none). */
  readonly lastEventType: string | null;
  /** The state that event moved the user from (null: none, or the user was added). */
  readonly lastFromState: MemberSessionStateName | null;
}

export interface CallResult {
  readonly outcome: CallOutcome;
  /** Set when outcome is "missed". */
  readonly missedReason: MissedReason | null;
}

const missed = (missedReason: MissedReason): CallResult => ({ outcome: "missed", missedReason });
const ANSWERED: CallResult = { outcome: "answered", missedReason: null };
const ONGOING: CallResult = { outcome: "ongoing", missedReason: null };

/**
 * The outcome of a call (null: not a call, the user was never rung there):
 * - ongoing: still ringing (MEMBER_CALLING) or talking (MEMBER_TALKING);
 * - missed: the ring timed out (TIMEOUT), was declined (DECLINE), found the user busy (BUSY:
 *   they said so, or busy detection), was cancelled (LEFT by `member.cancelled`, or LEFT from
 *   CALLING: the session ended while it rang), or the user was reported offline while it rang
 *   (OFFLINE from CALLING);
 * - answered: the user talked and then left, was kicked out or went offline (LEFT, KICKOUT or
 *   OFFLINE from TALKING).
 */
export function callOutcome(facts: CallFacts): CallResult | null {
  const { memberSessionState: state, lastEventType, lastFromState } = facts;
  switch (state) {
    case "MEMBER_CALLING":
    case "MEMBER_TALKING":
      return ONGOING;
    case "MEMBER_TIMEOUT":
      return missed("timed_out");
    case "MEMBER_DECLINE":
      return missed("declined");
    case "MEMBER_BUSY":
      return missed("busy");
    case "MEMBER_KICKOUT":
      return ANSWERED;
    case "MEMBER_LEFT":
      if (lastEventType === MEMBER_CANCELLED_EVENT) return missed("cancelled");
      return lastFromState === "MEMBER_TALKING" ? ANSWERED : missed("cancelled");
    case "MEMBER_OFFLINE":
      return lastFromState === "MEMBER_TALKING" ? ANSWERED : missed("offline");
    case "MEMBER_UNSPECIFIED":
      return null;
  }
}

/** One combination of the facts, as the SQL compares them ("" for null / any other type). */
export interface CallOutcomeKey {
  readonly state: MemberSessionStateName;
  readonly eventType: string;
  readonly fromState: string;
}

/**
 * Every combination of facts the rule can see whose outcome is `outcome` (or any outcome, when
 * null), for the SQL filter: state × the last event's from-state (or none) × the event types the
 * rule tells apart (or any other).
 */
export function callOutcomeKeys(outcome: CallOutcome | null): CallOutcomeKey[] {
  const keys: CallOutcomeKey[] = [];
  const fromStates: (MemberSessionStateName | null)[] = [null, ...MEMBER_SESSION_STATES];
  for (const state of MEMBER_SESSION_STATES) {
    for (const eventType of ["", ...OUTCOME_EVENT_TYPES]) {
      for (const fromState of fromStates) {
        const result = callOutcome({
          memberSessionState: state,
          // "" stands for any type the rule does not tell apart.
          lastEventType: eventType === "" ? ANY_OTHER_EVENT_TYPE : eventType,
          lastFromState: fromState,
        });
        if (result !== null && (outcome === null || result.outcome === outcome)) {
          keys.push({ state, eventType, fromState: fromState ?? "" });
        }
      }
    }
  }
  return keys;
}
