import {
  CALL_OUTCOMES,
  MEMBER_SESSION_STATES,
  type MemberSessionStateName,
} from "@collab/contracts";
import { describe, expect, it } from "vitest";
import { callOutcome, callOutcomeKeys, MEMBER_CANCELLED_EVENT } from "./call-outcome";

// A call's outcome for the rung user (POST /user/calls): one pure rule, and the SQL filter's keys
// derived from it.

const facts = (
  memberSessionState: MemberSessionStateName,
  lastFromState: MemberSessionStateName | null = null,
  lastEventType: string | null = "member.whatever",
) => ({ memberSessionState, lastFromState, lastEventType });

describe("callOutcome", () => {
  it("ringing or talking: ongoing", () => {
    expect(callOutcome(facts("MEMBER_CALLING"))).toStrictEqual({
      outcome: "ongoing",
      missedReason: null,
    });
    expect(callOutcome(facts("MEMBER_TALKING", "MEMBER_CALLING"))?.outcome).toBe("ongoing");
  });

  it("timed out, declined, busy: missed, with why", () => {
    expect(callOutcome(facts("MEMBER_TIMEOUT", "MEMBER_CALLING"))).toStrictEqual({
      outcome: "missed",
      missedReason: "timed_out",
    });
    expect(callOutcome(facts("MEMBER_DECLINE", "MEMBER_CALLING"))?.missedReason).toBe("declined");
    // Said busy, or found busy by busy detection (from no state at all).
    expect(callOutcome(facts("MEMBER_BUSY", "MEMBER_CALLING"))?.missedReason).toBe("busy");
    expect(callOutcome(facts("MEMBER_BUSY", null, "member.busy"))?.missedReason).toBe("busy");
  });

  it("left: answered after talking, cancelled when the ring was withdrawn or the call ended", () => {
    expect(callOutcome(facts("MEMBER_LEFT", "MEMBER_TALKING", "member.left"))).toStrictEqual({
      outcome: "answered",
      missedReason: null,
    });
    expect(
      callOutcome(facts("MEMBER_LEFT", "MEMBER_CALLING", MEMBER_CANCELLED_EVENT)),
    ).toStrictEqual({
      outcome: "missed",
      missedReason: "cancelled",
    });
    // The session ended while it rang.
    expect(callOutcome(facts("MEMBER_LEFT", "MEMBER_CALLING", "member.left"))?.missedReason).toBe(
      "cancelled",
    );
    // The cancel event decides whatever the from-state says.
    expect(
      callOutcome(facts("MEMBER_LEFT", "MEMBER_TALKING", MEMBER_CANCELLED_EVENT))?.outcome,
    ).toBe("missed");
  });

  it("offline: answered after talking, missed while ringing; kicked out: answered", () => {
    expect(callOutcome(facts("MEMBER_OFFLINE", "MEMBER_TALKING"))?.outcome).toBe("answered");
    expect(callOutcome(facts("MEMBER_OFFLINE", "MEMBER_CALLING"))?.missedReason).toBe("offline");
    expect(callOutcome(facts("MEMBER_KICKOUT", "MEMBER_TALKING"))?.outcome).toBe("answered");
  });

  it("never rung: not a call", () => {
    expect(callOutcome(facts("MEMBER_UNSPECIFIED", null, "member.added"))).toBeNull();
  });

  it("missedReason is set exactly for missed calls", () => {
    for (const state of MEMBER_SESSION_STATES) {
      for (const from of [null, ...MEMBER_SESSION_STATES]) {
        const result = callOutcome(facts(state, from));
        if (result !== null) expect(result.missedReason !== null).toBe(result.outcome === "missed");
      }
    }
  });
});

describe("callOutcomeKeys (the SQL filter)", () => {
  it("splits every classified combination into exactly one outcome", () => {
    const all = callOutcomeKeys(null);
    const parts = CALL_OUTCOMES.map((o) => callOutcomeKeys(o));
    expect(parts.reduce((n, p) => n + p.length, 0)).toBe(all.length);
    const key = (k: { state: string; eventType: string; fromState: string }) =>
      `${k.state}|${k.eventType}|${k.fromState}`;
    expect(new Set(parts.flat().map(key))).toStrictEqual(new Set(all.map(key)));
  });

  it('agrees with the rule, "" standing for any other event type and for no from-state', () => {
    for (const k of callOutcomeKeys("missed")) {
      const result = callOutcome({
        memberSessionState: k.state,
        lastEventType: k.eventType === "" ? "member.left" : k.eventType,
        lastFromState: k.fromState === "" ? null : (k.fromState as MemberSessionStateName),
      });
      expect(result?.outcome).toBe("missed");
    }
    const missedStates = new Set(callOutcomeKeys("missed").map((k) => k.state));
    expect([...missedStates].sort()).toStrictEqual(
      ["MEMBER_BUSY", "MEMBER_DECLINE", "MEMBER_LEFT", "MEMBER_OFFLINE", "MEMBER_TIMEOUT"].sort(),
    );
    expect(callOutcomeKeys(null).some((k) => k.state === "MEMBER_UNSPECIFIED")).toBe(false);
  });
});
