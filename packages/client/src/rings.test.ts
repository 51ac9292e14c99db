import type {
  UserChannelEvent,
  UserRingEndedEvent,
  UserRingEvent,
} from "@collab/contracts/user-channel";
import { describe, expect, it } from "vitest";
import { reconnectDelay } from "./backoff";
import { RingBook } from "./rings";
import { readUserToken } from "./token";

const ring = (sessionID: string, invitedAt: number): UserRingEvent => ({
  kind: "ring",
  collaborationID: "c1",
  sessionID,
  seq: 1,
  at: invitedAt,
  reason: "invited",
  invitedBy: "alice",
  invitedAt,
  callingDeadline: null,
  detail: "weekly sync",
  member: { medias: [1], tools: [], roles: [], deviceType: 0, extra: "" },
  members: null,
});
const ended = (
  sessionID: string,
  reason: UserRingEndedEvent["reason"],
  deviceID: string | null,
): UserChannelEvent => ({
  kind: "ring_ended",
  collaborationID: "c1",
  sessionID,
  seq: 2,
  at: 2,
  reason,
  memberSessionState: "MEMBER_TALKING",
  actorID: "bob",
  deviceID,
});

describe("RingBook", () => {
  it("shows a ring once, however often it is sent", () => {
    const book = new RingBook("phone-1");
    expect(book.apply(ring("s1", 10)).ring?.sessionID).toBe("s1");
    expect(book.apply({ ...ring("s1", 10), reason: "ringing" }).ring).toBeUndefined();
    expect(book.apply({ ...ring("s1", 20), reason: "rung_again" }).ring?.invitedAt).toBe(20);
    expect(book.rings()).toHaveLength(1);
  });

  it("tells an answer on another device from its own", () => {
    const book = new RingBook("phone-1");
    book.apply(ring("s1", 10));
    book.apply(ring("s2", 11));
    book.apply(ring("s3", 12));
    expect(book.apply(ended("s1", "accepted", "phone-2")).end?.elsewhere).toBe(true);
    expect(book.apply(ended("s2", "declined", "phone-1")).end?.elsewhere).toBe(false);
    expect(book.apply(ended("s3", "timed_out", null)).end?.elsewhere).toBe(false);
    expect(book.rings()).toEqual([]);
  });

  it("a device without an id knows its own answers", () => {
    const book = new RingBook(null);
    book.apply(ring("s1", 10));
    book.answering("s1");
    expect(book.apply(ended("s1", "accepted", null)).end?.elsewhere).toBe(false);
    book.apply(ring("s2", 10));
    expect(book.apply(ended("s2", "busy", null)).end?.elsewhere).toBe(true);
  });

  it("a resync or a session's end clears what rings", () => {
    const book = new RingBook(null);
    book.apply(ring("s1", 10));
    book.apply({ kind: "resync", at: 1 });
    expect(book.rings()).toEqual([]);
    book.apply(ring("s2", 10));
    book.apply({
      kind: "session_state",
      collaborationID: "c1",
      sessionID: "s2",
      seq: 3,
      at: 3,
      sessionState: "SESSION_END",
      actorID: "alice",
    });
    expect(book.rings()).toEqual([]);
  });
});

describe("reconnectDelay", () => {
  it("grows exponentially up to the cap, jittered below the ceiling", () => {
    const top = () => 1;
    expect(reconnectDelay(0, {}, top)).toBe(500);
    expect(reconnectDelay(3, {}, top)).toBe(4_000);
    expect(reconnectDelay(40, {}, top)).toBe(30_000);
    expect(reconnectDelay(3, {}, () => 0.5)).toBe(2_000);
  });
});

describe("readUserToken", () => {
  it("reads the claims of a JWT and nothing of anything else", () => {
    const payload = Buffer.from(
      JSON.stringify({ iss: "app", sub: "bob", did: "phone-1", exp: 100 }),
    ).toString("base64url");
    expect(readUserToken(`e30.${payload}.sig`)).toEqual({
      appId: "app",
      userID: "bob",
      deviceID: "phone-1",
      expiresAt: 100_000,
    });
    expect(readUserToken("not a token").userID).toBeNull();
    expect(readUserToken("a.!!!.b").userID).toBeNull();
  });
});
