import type { TailedEvent } from "@collab/db";
import { describe, expect, it } from "vitest";
import { channelEventFor } from "./user-channel";

// What the user channel makes of a tailed event (docs/user-channel.md): a cancelled ring ends as
// `cancelled`, and the request's reason and extra travel as reasonCode / reasonExtra, only when
// sent (the server's own session_ended never does).

function tailed(overrides: Partial<TailedEvent>): TailedEvent {
  return {
    cursor: { txId: 1n, id: 1n },
    appId: "app",
    sessionId: "s".repeat(32),
    collaborationId: "c".repeat(32),
    detail: "",
    seq: 5,
    type: "member.declined",
    actorId: "bob",
    subjectId: "bob",
    fromState: "MEMBER_CALLING",
    toState: "MEMBER_DECLINE",
    payload: { collaborationID: "c".repeat(32) },
    createdAt: new Date(1_000),
    members: ["alice", "bob"],
    callingDeadline: null,
    ...overrides,
  };
}

describe("channelEventFor", () => {
  it("a cancelled ring ends as `cancelled` for its member, with the canceller as actor", () => {
    const event = tailed({
      type: "member.cancelled",
      actorId: "alice",
      toState: "MEMBER_LEFT",
      payload: { collaborationID: "c", reason: "wrong_person", extra: "meant dave" },
    });
    expect(channelEventFor("bob", event)).toMatchObject({
      kind: "ring_ended",
      reason: "cancelled",
      memberSessionState: "MEMBER_LEFT",
      actorID: "alice",
      reasonCode: "wrong_person",
      reasonExtra: "meant dave",
    });
    // The other members see a member state change.
    expect(channelEventFor("alice", event)).toMatchObject({
      kind: "member_state",
      type: "member.cancelled",
      userID: "bob",
      self: false,
      reasonCode: "wrong_person",
    });
  });

  it("without a reason sent, no reason fields at all (the shape clients knew)", () => {
    const declined = channelEventFor("bob", tailed({}));
    expect(declined).toStrictEqual({
      kind: "ring_ended",
      collaborationID: "c".repeat(32),
      sessionID: "s".repeat(32),
      seq: 5,
      at: 1_000,
      reason: "declined",
      memberSessionState: "MEMBER_DECLINE",
      actorID: "bob",
      deviceID: null,
    });
  });

  it("/session/end: session_ended stays the server's; the ender's reason is on session_state", () => {
    const left = tailed({
      type: "member.left",
      actorId: "alice",
      toState: "MEMBER_LEFT",
      payload: { collaborationID: "c", reason: "session_ended" },
    });
    const ring = channelEventFor("bob", left);
    expect(ring).toMatchObject({ kind: "ring_ended", reason: "session_ended" });
    expect(ring).not.toHaveProperty("reasonCode");
    const ended = tailed({
      type: "session.ended",
      actorId: "alice",
      subjectId: null,
      fromState: null,
      toState: null,
      payload: { collaborationID: "c", reason: "done", extra: "bye" },
    });
    expect(channelEventFor("bob", ended)).toMatchObject({
      kind: "session_state",
      sessionState: "SESSION_END",
      reasonCode: "done",
      reasonExtra: "bye",
    });
  });

  it("a leave's reason reaches the other members", () => {
    const left = tailed({
      type: "member.left",
      fromState: "MEMBER_TALKING",
      toState: "MEMBER_LEFT",
      payload: { collaborationID: "c", reason: "battery" },
    });
    expect(channelEventFor("alice", left)).toMatchObject({
      kind: "member_state",
      reasonCode: "battery",
    });
  });
});
