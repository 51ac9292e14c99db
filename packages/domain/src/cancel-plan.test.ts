import type { HiarError, MemberSessionStateName } from "@collab/contracts";
import { describe, expect, it } from "vitest";
import { type CancelPlanInput, holdsCancelRight, planCancel } from "./cancel-plan";

// POST /session/cancel's pure rules (docs/state-machine.md, "Who may cause what").

const base = {
  roles: [] as number[],
  ruleSettings: {},
  starterID: "starter",
  creatorID: "creator",
};
const ROLES = {
  roleControl: true,
  roleRights: [
    { role: 2, rights: ["RIGHT_CANCEL"] },
    { role: 3, rights: ["RIGHT_ALL"] },
    { role: 4, rights: ["RIGHT_KICKOUT", "RIGHT_START"] },
  ],
};

describe("holdsCancelRight", () => {
  it("without role control: the member's inviter, the starter and the creator", () => {
    const right = (userID: string, invitedBy: string | null) =>
      holdsCancelRight({ ...base, userID, invitedBy });
    expect(right("alice", "alice")).toBe(true);
    expect(right("starter", "alice")).toBe(true);
    expect(right("creator", "alice")).toBe(true);
    expect(right("bob", "alice")).toBe(false);
    expect(right("bob", null)).toBe(false);
  });

  it("with role control: the inviter, or a role granted RIGHT_CANCEL or RIGHT_ALL, nobody else", () => {
    const right = (userID: string, roles: number[], invitedBy = "alice") =>
      holdsCancelRight({ ...base, ruleSettings: ROLES, userID, roles, invitedBy });
    expect(right("alice", [])).toBe(true);
    expect(right("bob", [2])).toBe(true);
    expect(right("bob", [9, 3])).toBe(true);
    expect(right("bob", [4])).toBe(false);
    // Role control replaces the default: the creator and the starter need a granted role too.
    expect(right("creator", [])).toBe(false);
    expect(right("starter", [1])).toBe(false);
    expect(right("creator", [2])).toBe(true);
  });

  it("stored rule settings it cannot read count as no role control", () => {
    expect(
      holdsCancelRight({
        ...base,
        ruleSettings: { roleControl: "yes" },
        userID: "creator",
        invitedBy: "x",
      }),
    ).toBe(true);
  });
});

describe("planCancel", () => {
  const member = (
    memberSessionState: MemberSessionStateName,
    invitedBy: string | null = "alice",
  ) => ({
    memberSessionState,
    roles: [] as number[],
    invitedBy,
  });
  const plan = (input: Partial<CancelPlanInput> & Pick<CancelPlanInput, "members">) =>
    planCancel({
      userID: "alice",
      found: new Map([
        ["alice", member("MEMBER_TALKING", null)],
        ["bob", member("MEMBER_CALLING")],
        ["carol", member("MEMBER_CALLING")],
        ["dave", member("MEMBER_CALLING", "erin")],
        ["erin", member("MEMBER_TALKING")],
        ["frank", member("MEMBER_DECLINE")],
      ]),
      ruleSettings: {},
      starterID: "creator",
      creatorID: "creator",
      ...input,
    });
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      const e = error as HiarError;
      return { reason: e.reason, field: e.field, message: e.message };
    }
    throw new Error("not refused");
  };

  it("every listed ringing member, in request order", () => {
    expect(plan({ members: ["carol", "bob"] })).toEqual(["carol", "bob"]);
  });

  it("refuses the first member that is not ringing, naming it; nothing else is decided", () => {
    expect(refusal(() => plan({ members: ["bob", "frank", "erin"] }))).toEqual({
      reason: "INVALID_STATE",
      field: "members[1]",
      message: "member frank is MEMBER_DECLINE, not ringing: cannot be cancelled",
    });
    expect(refusal(() => plan({ members: ["bob", "ghost"] }))).toMatchObject({
      reason: "NOT_FOUND",
      field: "members[1]",
    });
  });

  it("refuses a ring the canceller may not stop, naming the member", () => {
    expect(refusal(() => plan({ members: ["bob", "dave"] }))).toMatchObject({
      reason: "PERMISSION_DENIED",
      field: "members[1]",
      message: "alice may not cancel the ring of dave (rung by erin)",
    });
  });

  it("the canceller must be a member who was not kicked out (checked first)", () => {
    expect(refusal(() => plan({ userID: "zed", members: ["ghost"] }))).toMatchObject({
      reason: "PERMISSION_DENIED",
      field: "userID",
    });
    const kicked = new Map([
      ["alice", member("MEMBER_KICKOUT")],
      ["bob", member("MEMBER_CALLING")],
    ]);
    expect(refusal(() => plan({ found: kicked, members: ["bob"] }))).toMatchObject({
      reason: "PERMISSION_DENIED",
      field: "userID",
      message: "alice was kicked out of this session",
    });
  });
});
