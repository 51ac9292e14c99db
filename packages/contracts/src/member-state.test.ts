import { describe, expect, test } from "vitest";
import { MEMBER_SESSION_STATES, type MemberSessionStateName } from "./enums";
import {
  canTransition,
  isLiveMemberState,
  isTerminalMemberState,
  LIVE_MEMBER_STATES,
  MEMBER_TRANSITIONS,
  TERMINAL_MEMBER_STATES,
} from "./member-state";

const TERMINAL = [
  "MEMBER_LEFT",
  "MEMBER_TIMEOUT",
  "MEMBER_BUSY",
  "MEMBER_OFFLINE",
  "MEMBER_KICKOUT",
  "MEMBER_DECLINE",
];

// Written out from docs/state-machine.md, independently of MEMBER_TRANSITIONS (plus UNSPECIFIED → CALLING).
const ALLOWED = new Set([
  "MEMBER_CALLING>MEMBER_TALKING",
  "MEMBER_CALLING>MEMBER_DECLINE",
  "MEMBER_CALLING>MEMBER_BUSY",
  "MEMBER_CALLING>MEMBER_OFFLINE",
  "MEMBER_CALLING>MEMBER_TIMEOUT",
  "MEMBER_TALKING>MEMBER_LEFT",
  "MEMBER_TALKING>MEMBER_KICKOUT",
  "MEMBER_TALKING>MEMBER_OFFLINE",
  ...TERMINAL.map((s) => `${s}>MEMBER_CALLING`),
  "MEMBER_UNSPECIFIED>MEMBER_CALLING",
]);

describe("member state machine", () => {
  test("terminal and live states", () => {
    expect([...TERMINAL_MEMBER_STATES]).toStrictEqual(TERMINAL);
    expect([...LIVE_MEMBER_STATES]).toStrictEqual(["MEMBER_CALLING", "MEMBER_TALKING"]);
    for (const s of MEMBER_SESSION_STATES) {
      expect(isTerminalMemberState(s)).toBe(TERMINAL.includes(s));
      expect(isLiveMemberState(s)).toBe(s === "MEMBER_CALLING" || s === "MEMBER_TALKING");
    }
  });

  test("the map covers every state", () => {
    expect(Object.keys(MEMBER_TRANSITIONS).sort()).toStrictEqual([...MEMBER_SESSION_STATES].sort());
  });

  const pairs = MEMBER_SESSION_STATES.flatMap((from) =>
    MEMBER_SESSION_STATES.map(
      (to) => [from, to] as [MemberSessionStateName, MemberSessionStateName],
    ),
  );
  test.each(pairs)("%s → %s", (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}>${to}`));
  });

  test("is frozen", () => {
    expect(Object.isFrozen(MEMBER_TRANSITIONS)).toBe(true);
    expect(Object.isFrozen(MEMBER_TRANSITIONS.MEMBER_CALLING)).toBe(true);
    expect(Object.isFrozen(MEMBER_TRANSITIONS.MEMBER_LEFT)).toBe(true);
  });
});
