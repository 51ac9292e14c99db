import { describe, expect, test } from "vitest";
import { CancelInviteRequest } from "./cancel";
import { EndSessionRequest, KickoutRequest, MemberActionWithReasonRequest } from "./lifecycle";
import {
  MAX_REASON_LENGTH,
  payloadReason,
  reasonPayload,
  UserCallWithReasonRequest,
} from "./reason";
import { describeZodError } from "./validation";

const ids = { collaborationID: "c".repeat(32), sessionID: "s".repeat(32) };

/** The field an invalid body is refused at, and its message. */
function refusal(schema: { safeParse: (v: unknown) => { error?: unknown } }, body: unknown) {
  const result = schema.safeParse(body) as { error?: { issues: [] } };
  if (result.error === undefined) throw new Error("accepted");
  return describeZodError(result.error);
}

describe("CancelInviteRequest (POST /session/cancel)", () => {
  test("takes the canceller and the userIDs to stop ringing; reason and extra default to none", () => {
    expect(
      CancelInviteRequest.parse({ ...ids, userID: "alice", members: ["bob", "carol"] }),
    ).toEqual({ ...ids, userID: "alice", members: ["bob", "carol"], reason: "", extra: "" });
  });

  test("1–100 members, each once, never the canceller", () => {
    expect(refusal(CancelInviteRequest, { ...ids, userID: "a" }).field).toBe("members");
    expect(refusal(CancelInviteRequest, { ...ids, userID: "a", members: [] }).field).toBe(
      "members",
    );
    const many = Array.from({ length: 101 }, (_, i) => `u${i}`);
    expect(refusal(CancelInviteRequest, { ...ids, userID: "a", members: many }).message).toBe(
      "members: must list 1–100 members",
    );
    expect(refusal(CancelInviteRequest, { ...ids, userID: "a", members: ["b", "c", "b"] })).toEqual(
      {
        field: "members[2]",
        message: "members[2]: duplicate userID: already listed at members[0]",
      },
    );
    expect(refusal(CancelInviteRequest, { ...ids, userID: "a", members: ["b", "a"] }).field).toBe(
      "members[1]",
    );
    expect(refusal(CancelInviteRequest, { ...ids, userID: "a", members: [""] }).field).toBe(
      "members[0]",
    );
    expect(
      refusal(CancelInviteRequest, { ...ids, userID: "a", members: [{ userID: "b" }] }).field,
    ).toBe("members[0]");
  });
});

describe("reason and extra", () => {
  const requests = [
    ["MemberActionWithReasonRequest", MemberActionWithReasonRequest, { ...ids, userID: "b" }],
    ["KickoutRequest", KickoutRequest, { ...ids, userID: "a", memberID: "b" }],
    ["EndSessionRequest", EndSessionRequest, { ...ids, userID: "a" }],
    ["CancelInviteRequest", CancelInviteRequest, { ...ids, userID: "a", members: ["b"] }],
    ["UserCallWithReasonRequest", UserCallWithReasonRequest, ids],
  ] as const;

  test.each(requests)(
    "%s: optional; up to 64 and 4096 characters; named when wrong",
    (_n, schema, body) => {
      expect(schema.parse(body)).toMatchObject({ reason: "", extra: "" });
      expect(schema.parse({ ...body, reason: null, extra: null })).toMatchObject({
        reason: "",
        extra: "",
      });
      const longest = { reason: "😀".repeat(MAX_REASON_LENGTH), extra: "x".repeat(4096) };
      expect(schema.parse({ ...body, ...longest })).toMatchObject(longest);
      expect(refusal(schema, { ...body, reason: "r".repeat(65) }).message).toBe(
        "reason: must be at most 64 characters",
      );
      expect(refusal(schema, { ...body, extra: "x".repeat(4097) }).field).toBe("extra");
      expect(refusal(schema, { ...body, reason: 3 }).field).toBe("reason");
      expect(refusal(schema, { ...body, reason: "busy\u0000" }).field).toBe("reason");
      // The server's own reason on /session/end's member.left events.
      expect(refusal(schema, { ...body, reason: "session_ended" }).field).toBe("reason");
    },
  );

  test("reasonPayload: only what was sent", () => {
    expect(reasonPayload({})).toEqual({});
    expect(reasonPayload({ reason: "", extra: "" })).toEqual({});
    expect(reasonPayload({ reason: "busy", extra: "" })).toEqual({ reason: "busy" });
    expect(reasonPayload({ reason: "", extra: "x" })).toEqual({ extra: "x" });
  });

  test("payloadReason: the request's, never the server's session_ended", () => {
    expect(payloadReason({ collaborationID: "c" })).toEqual({ reason: null, extra: null });
    expect(payloadReason({ reason: "busy", extra: "x" })).toEqual({ reason: "busy", extra: "x" });
    expect(payloadReason({ reason: "session_ended" })).toEqual({ reason: null, extra: null });
    expect(payloadReason(null)).toEqual({ reason: null, extra: null });
  });
});
