import {
  InviteSessionRequest,
  MEMBER_SESSION_STATES,
  TERMINAL_MEMBER_STATES,
} from "@collab/contracts";
import { describe, expect, it } from "vitest";
import { type InvitePlanInput, planInvite, type TalkingElsewhere } from "./invite-plan";
import { inviteEvent, inviteMemberWrite } from "./invite-writes";

// The invite's busy rule (docs/decisions.md, "Busy detection"), as a pure function: an invitee
// who would be rung but talks in another session becomes MEMBER_BUSY, not rung, not live.

const ids = { collaborationID: "c".repeat(32), sessionID: "d".repeat(32) };
const elsewhere: TalkingElsewhere = { collaborationID: "e".repeat(32), sessionID: "f".repeat(32) };

function plan(members: string[], overrides: Partial<InvitePlanInput> = {}) {
  const request = InviteSessionRequest.parse({
    ...ids,
    userID: "boss",
    members: members.map((userID) => ({ userID })),
  });
  return planInvite({
    inviterID: "boss",
    inviterState: "MEMBER_TALKING",
    invitees: request.members,
    currentStates: new Map(),
    liveCount: 0,
    limit: 500,
    talkingElsewhere: new Map([["busy", elsewhere]]),
    ...overrides,
  });
}

describe("planInvite with busy detection", () => {
  it("marks a talking-elsewhere invitee busy, rings the rest", () => {
    const p = plan(["a", "busy", "b"]);
    expect(p.outcomes).toStrictEqual([
      { userID: "a", outcome: "added", memberSessionState: "MEMBER_CALLING" },
      { userID: "busy", outcome: "busy", memberSessionState: "MEMBER_BUSY" },
      { userID: "b", outcome: "added", memberSessionState: "MEMBER_CALLING" },
    ]);
    expect(p.changes.map((c) => [c.member.userID, c.outcome, c.busyIn ?? null])).toStrictEqual([
      ["a", "added", null],
      ["busy", "busy", elsewhere],
      ["b", "added", null],
    ]);
    // Busy members are not live.
    expect(p.liveCountAfter).toBe(2);
  });

  it("from every non-live state; a live member stays unchanged", () => {
    for (const state of MEMBER_SESSION_STATES) {
      const p = plan(["busy"], { currentStates: new Map([["busy", state]]) });
      const live = state === "MEMBER_CALLING" || state === "MEMBER_TALKING";
      expect(p.outcomes[0]?.outcome).toBe(live ? "unchanged" : "busy");
      expect(p.changes.map((c) => c.fromState)).toStrictEqual(live ? [] : [state]);
    }
    expect(TERMINAL_MEMBER_STATES).toContain("MEMBER_BUSY");
  });

  it("the limit counts rings only: all busy passes a full session", () => {
    expect(plan(["busy"], { liveCount: 3, limit: 3 }).outcomes[0]?.outcome).toBe("busy");
    expect(() => plan(["busy", "a"], { liveCount: 3, limit: 3 })).toThrow(/the limit is 3/);
  });

  it("without talkingElsewhere nobody is busy (busy detection off)", () => {
    expect(plan(["busy"], { talkingElsewhere: new Map() }).outcomes[0]?.outcome).toBe("added");
    expect(plan(["busy"], { talkingElsewhere: undefined }).outcomes[0]?.outcome).toBe("added");
  });
});

describe("what the invite writes for a busy invitee", () => {
  it("a MEMBER_BUSY row and a member.busy event by the server, saying why and where", () => {
    const change = plan(["busy"]).changes[0];
    if (change === undefined) throw new Error("no change");
    expect(inviteMemberWrite(change).memberSessionState).toBe("MEMBER_BUSY");
    const event = inviteEvent(change, { ...ids, userID: "boss" }, "trace-1");
    expect(event).toMatchObject({
      type: "member.busy",
      actorId: null,
      subjectId: "busy",
      fromState: null,
      toState: "MEMBER_BUSY",
      traceId: "trace-1",
      payload: {
        collaborationID: ids.collaborationID,
        outcome: "busy",
        reason: "busy",
        detectedBy: "server",
        invitedBy: "boss",
        talkingIn: elsewhere,
      },
    });
  });

  it("a rung invitee's event is unchanged: member.invited by the inviter", () => {
    const change = plan(["a"]).changes[0];
    if (change === undefined) throw new Error("no change");
    expect(inviteMemberWrite(change).memberSessionState).toBe("MEMBER_CALLING");
    const event = inviteEvent(change, { ...ids, userID: "boss" }, "t");
    expect(event).toMatchObject({
      type: "member.invited",
      actorId: "boss",
      toState: "MEMBER_CALLING",
    });
    expect(event.payload).not.toHaveProperty("talkingIn");
  });
});
