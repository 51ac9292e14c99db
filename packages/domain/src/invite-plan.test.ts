import {
  HiarError,
  InviteSessionRequest,
  MEMBER_SESSION_STATES,
  type MemberSessionStateName,
  TERMINAL_MEMBER_STATES,
} from "@collab/contracts";
import { describe, expect, it } from "vitest";
import {
  assertInviteRequest,
  type InvitePlanInput,
  inviteOutcomeFor,
  planInvite,
} from "./invite-plan";

const ids = { collaborationID: "c".repeat(32), sessionID: "d".repeat(32) };

function request(members: string[], inviter = "boss") {
  return InviteSessionRequest.parse({
    ...ids,
    userID: inviter,
    members: members.map((userID) => ({ userID })),
  });
}

function plan(overrides: Partial<InvitePlanInput> & { members?: string[] } = {}) {
  const { members = ["a"], ...rest } = overrides;
  return planInvite({
    inviterID: "boss",
    inviterState: "MEMBER_TALKING",
    invitees: request(members).members,
    currentStates: new Map(),
    liveCount: 0,
    limit: 500,
    ...rest,
  });
}

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HiarError);
    return (error as HiarError).reason;
  }
  return undefined;
}

describe("inviteOutcomeFor", () => {
  it("absent → added; CALLING/TALKING → unchanged; terminal and UNSPECIFIED → rung_again", () => {
    expect(inviteOutcomeFor(null)).toBe("added");
    expect(inviteOutcomeFor("MEMBER_CALLING")).toBe("unchanged");
    expect(inviteOutcomeFor("MEMBER_TALKING")).toBe("unchanged");
    for (const state of [...TERMINAL_MEMBER_STATES, "MEMBER_UNSPECIFIED" as const]) {
      expect(inviteOutcomeFor(state)).toBe("rung_again");
    }
  });

  it("covers every member state", () => {
    for (const state of MEMBER_SESSION_STATES) {
      expect(["unchanged", "rung_again"]).toContain(inviteOutcomeFor(state));
    }
  });
});

describe("planInvite", () => {
  it("refuses an inviter who is not a member, or KICKOUT", () => {
    expect(reason(() => plan({ inviterState: null }))).toBe("PERMISSION_DENIED");
    expect(reason(() => plan({ inviterState: "MEMBER_KICKOUT" }))).toBe("PERMISSION_DENIED");
    for (const state of MEMBER_SESSION_STATES.filter((s) => s !== "MEMBER_KICKOUT")) {
      expect(reason(() => plan({ inviterState: state }))).toBeUndefined();
    }
  });

  it("permission comes before the limit", () => {
    expect(reason(() => plan({ inviterState: null, liveCount: 500 }))).toBe("PERMISSION_DENIED");
  });

  it("gives outcomes in request order and changes only the rung members", () => {
    const states = new Map<string, MemberSessionStateName>([
      ["talking", "MEMBER_TALKING"],
      ["left", "MEMBER_LEFT"],
      ["calling", "MEMBER_CALLING"],
    ]);
    const result = plan({
      members: ["left", "new", "talking", "calling"],
      currentStates: states,
      liveCount: 2,
    });
    expect(result.outcomes).toStrictEqual([
      { userID: "left", outcome: "rung_again", memberSessionState: "MEMBER_CALLING" },
      { userID: "new", outcome: "added", memberSessionState: "MEMBER_CALLING" },
      { userID: "talking", outcome: "unchanged", memberSessionState: "MEMBER_TALKING" },
      { userID: "calling", outcome: "unchanged", memberSessionState: "MEMBER_CALLING" },
    ]);
    expect(result.changes.map((c) => [c.member.userID, c.outcome, c.fromState])).toStrictEqual([
      ["left", "rung_again", "MEMBER_LEFT"],
      ["new", "added", null],
    ]);
    expect(result.changes.every((c) => c.member.memberSessionState === "MEMBER_CALLING")).toBe(
      true,
    );
    expect(result.liveCountAfter).toBe(4);
  });

  it("the limit: exactly at passes, one over fails", () => {
    expect(plan({ members: ["a", "b"], liveCount: 1, limit: 3 }).liveCountAfter).toBe(3);
    expect(reason(() => plan({ members: ["a", "b", "c"], liveCount: 1, limit: 3 }))).toBe(
      "MEMBER_LIMIT_EXCEEDED",
    );
    expect(reason(() => plan({ members: ["a"], liveCount: 3, limit: 3 }))).toBe(
      "MEMBER_LIMIT_EXCEEDED",
    );
  });

  it("unchanged members do not count; an invite that changes nothing is never over the limit", () => {
    const states = new Map<string, MemberSessionStateName>([["a", "MEMBER_CALLING"]]);
    expect(
      plan({ members: ["a", "b"], currentStates: states, liveCount: 2, limit: 3 }).changes,
    ).toHaveLength(1);
    expect(
      plan({ members: ["a"], currentStates: states, liveCount: 9, limit: 3 }).changes,
    ).toHaveLength(0);
  });

  it("the limit error names the numbers", () => {
    try {
      plan({ members: ["a", "b"], liveCount: 4, limit: 5 });
      expect.unreachable();
    } catch (error) {
      expect((error as HiarError).message).toBe(
        "the invite would bring the session to 6 members calling or talking; the limit is 5",
      );
      expect((error as HiarError).field).toBe("members");
    }
  });
});

describe("assertInviteRequest", () => {
  it("accepts what the contract accepts", () => {
    expect(() => assertInviteRequest(request(["a", "b"]))).not.toThrow();
  });

  it("refuses empty, oversized, duplicate and self invites with the field", () => {
    const base = request(["a"]);
    const member = base.members[0];
    if (!member) throw new Error("no member");
    const field = (members: (typeof base)["members"]) => {
      try {
        assertInviteRequest({ ...base, members });
      } catch (error) {
        expect((error as HiarError).reason).toBe("INVALID_PARAM");
        return (error as HiarError).field;
      }
      return undefined;
    };
    expect(field([])).toBe("members");
    expect(field(Array.from({ length: 101 }, (_, i) => ({ ...member, userID: `u${i}` })))).toBe(
      "members",
    );
    expect(field([member, { ...member, userID: "b" }, member])).toBe("members[2].userID");
    expect(field([{ ...member, userID: "boss" }])).toBe("members[0].userID");
  });
});
