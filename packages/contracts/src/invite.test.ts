import { describe, expect, test } from "vitest";
import { InviteSessionRequest, InviteSessionResult } from "./invite";
import { MemberInfo } from "./member";
import { chars, failingField, failingMessage } from "./test-support";

// The request example of seed-session-invite.txt (POST /session/invite), verbatim.
const SEED_BODY = `{
"collaborationID": "string",
"sessionID": "string",
"userID": "string",
"members": [
{
"userID": "string",
"confirmState": "CONFIRM_ACCEPT",
"memberSessionState": "MEMBER_CALLING",
"medias": [
0
],
"tools": [
{
"kind": 0,
"extra": "string",
"userID": "string"
}
],
"roles": [
0
],
"deviceType": 0,
"seqID": 0,
"extra": "string"
}
]
}`;

/** A valid body with `n` distinct invitees, none of them the inviter. */
function body(n = 1, member: Record<string, unknown> = {}) {
  return {
    collaborationID: "f1fe8ecdc0a3481a8cb84bee63204965",
    sessionID: "c3d6cd1519e54ed0a64741b4bed83ac2",
    userID: "inviter",
    members: Array.from({ length: n }, (_, i) => ({ userID: `user${i}`, ...member })),
  };
}

describe("InviteSessionRequest", () => {
  test("parses the seed's example body (where the inviter and the invitee share the name 'string')", () => {
    // The doc's mock uses "string" for every ID, so the invitee equals the inviter: a self-invite,
    // which our rules refuse. That is the only thing wrong with it.
    const seed = JSON.parse(SEED_BODY);
    expect(failingField(InviteSessionRequest, seed)).toBe("members[0].userID");

    const result = InviteSessionRequest.parse({ ...seed, userID: "inviter" });
    expect(result).toStrictEqual({
      collaborationID: "string",
      sessionID: "string",
      userID: "inviter",
      members: [
        {
          userID: "string",
          confirmState: "CONFIRM_ACCEPT",
          memberSessionState: "MEMBER_CALLING",
          medias: [0],
          tools: [{ kind: 0, extra: "string", userID: "string" }],
          roles: [0],
          deviceType: 0,
          seqID: 0,
          extra: "string",
        },
      ],
      callingTimeout: 0,
    });
  });

  test("the extension callingTimeout: 1–86400 seconds, 0 or absent when not set, else refused by name", () => {
    expect(InviteSessionRequest.parse(body()).callingTimeout).toBe(0);
    expect(InviteSessionRequest.parse({ ...body(), callingTimeout: null }).callingTimeout).toBe(0);
    expect(InviteSessionRequest.parse({ ...body(), callingTimeout: 1 }).callingTimeout).toBe(1);
    expect(InviteSessionRequest.parse({ ...body(), callingTimeout: "86400" }).callingTimeout).toBe(
      86_400,
    );
    for (const bad of [-1, 86_401, 2.5, "soon", true, {}]) {
      expect(
        failingField(InviteSessionRequest, { ...body(), callingTimeout: bad }),
        String(bad),
      ).toBe("callingTimeout");
    }
  });

  test("the seed's member parses on its own to the exact value", () => {
    const member = JSON.parse(SEED_BODY).members[0];
    expect(MemberInfo.parse(member)).toStrictEqual({
      userID: "string",
      confirmState: "CONFIRM_ACCEPT",
      memberSessionState: "MEMBER_CALLING",
      medias: [0],
      tools: [{ kind: 0, extra: "string", userID: "string" }],
      roles: [0],
      deviceType: 0,
      seqID: 0,
      extra: "string",
    });
  });

  test("absent member fields take proto defaults; an omitted state comes out MEMBER_CALLING", () => {
    expect(InviteSessionRequest.parse(body(1)).members[0]).toStrictEqual({
      userID: "user0",
      confirmState: "CONFIRM_UNSPECIFIED",
      memberSessionState: "MEMBER_CALLING",
      medias: [],
      tools: [],
      roles: [],
      deviceType: 0,
      seqID: 0,
      extra: "",
    });
  });

  test("protojson leniency: enums by number or numeric string, integers as strings", () => {
    const parsed = InviteSessionRequest.parse(
      body(1, {
        confirmState: "2",
        memberSessionState: 1,
        medias: ["3", 4],
        deviceType: "7",
        seqID: "-1",
        tools: [{ kind: "2" }],
      }),
    );
    const member = parsed.members[0];
    expect(member?.confirmState).toBe("CONFIRM_REJECT");
    expect(member?.memberSessionState).toBe("MEMBER_CALLING");
    expect(member?.medias).toStrictEqual([3, 4]);
    expect(member?.deviceType).toBe(7);
    expect(member?.seqID).toBe(-1);
    expect(member?.tools).toStrictEqual([{ kind: 2, extra: "", userID: "" }]);
  });

  test("unknown fields are dropped at every level", () => {
    const input = body(1, { nickname: "x", tools: [{ kind: 1, colour: "red" }] });
    const parsed = InviteSessionRequest.parse({ ...input, trace: "abc" });
    expect(parsed).not.toHaveProperty("trace");
    expect(parsed.members[0]).not.toHaveProperty("nickname");
    expect(parsed.members[0]?.tools[0]).toStrictEqual({ kind: 1, extra: "", userID: "" });
  });

  describe("IDs", () => {
    test.each(["collaborationID", "sessionID", "userID"])(
      "%s: absent, empty or 65 chars fails; 64 passes",
      (key) => {
        const { [key as "userID"]: _omit, ...without } = body();
        expect(failingField(InviteSessionRequest, without)).toBe(key);
        expect(failingField(InviteSessionRequest, { ...body(), [key]: "" })).toBe(key);
        expect(failingField(InviteSessionRequest, { ...body(), [key]: chars(65) })).toBe(key);
        expect(InviteSessionRequest.safeParse({ ...body(), [key]: chars(64) }).success).toBe(true);
      },
    );

    test("a member's userID: absent or too long fails at its path", () => {
      const missing = body(2);
      missing.members[1] = {} as { userID: string };
      expect(failingField(InviteSessionRequest, missing)).toBe("members[1].userID");
      expect(failingMessage(InviteSessionRequest, missing)).toBe(
        "members[1].userID: must be 1–64 characters",
      );
      expect(failingField(InviteSessionRequest, body(1, { userID: chars(65) }))).toBe(
        "members[0].userID",
      );
      expect(InviteSessionRequest.safeParse(body(1, { userID: chars(64) })).success).toBe(true);
    });
  });

  describe("members count", () => {
    test("exactly 100 passes", () => {
      expect(InviteSessionRequest.parse(body(100)).members).toHaveLength(100);
    });
    test("101 fails at members", () => {
      expect(failingField(InviteSessionRequest, body(101))).toBe("members");
    });
    test("empty or absent fails at members", () => {
      expect(failingField(InviteSessionRequest, body(0))).toBe("members");
      const { members: _m, ...without } = body();
      expect(failingField(InviteSessionRequest, without)).toBe("members");
      expect(failingField(InviteSessionRequest, { ...body(), members: null })).toBe("members");
    });
  });

  test("a duplicate userID fails at the duplicate's path", () => {
    const input = body(5);
    const m3 = input.members[3];
    if (m3) m3.userID = "user1";
    expect(failingField(InviteSessionRequest, input)).toBe("members[3].userID");
    expect(failingMessage(InviteSessionRequest, input)).toContain("members[1]");
  });

  test("the inviter may not invite itself", () => {
    const input = body(3);
    const m2 = input.members[2];
    if (m2) m2.userID = "inviter";
    expect(failingField(InviteSessionRequest, input)).toBe("members[2].userID");
    expect(failingMessage(InviteSessionRequest, input)).toContain("inviter");
  });

  describe("memberSessionState", () => {
    test.each(["MEMBER_CALLING", 1, "1", null, "MEMBER_UNSPECIFIED", 0])(
      "%j is accepted as CALLING",
      (state) => {
        expect(
          InviteSessionRequest.parse(body(1, { memberSessionState: state })).members[0]
            ?.memberSessionState,
        ).toBe("MEMBER_CALLING");
      },
    );

    test.each([
      "MEMBER_TALKING",
      "MEMBER_LEFT",
      "MEMBER_TIMEOUT",
      "MEMBER_BUSY",
      "MEMBER_OFFLINE",
      "MEMBER_KICKOUT",
      "MEMBER_DECLINE",
      2,
      "8",
    ])("%j is INVALID_PARAM at the member's path", (state) => {
      const input = body(3);
      input.members[2] = { userID: "user2", memberSessionState: state } as { userID: string };
      expect(failingField(InviteSessionRequest, input)).toBe("members[2].memberSessionState");
    });

    test("an unknown state fails at the same path", () => {
      expect(
        failingField(InviteSessionRequest, body(1, { memberSessionState: "MEMBER_SLEEPING" })),
      ).toBe("members[0].memberSessionState");
      expect(failingField(InviteSessionRequest, body(1, { memberSessionState: 9 }))).toBe(
        "members[0].memberSessionState",
      );
    });
  });

  test("extra: 4096 characters pass, 4097 fail (member and tool)", () => {
    expect(InviteSessionRequest.safeParse(body(1, { extra: chars(4096) })).success).toBe(true);
    expect(failingField(InviteSessionRequest, body(1, { extra: chars(4097) }))).toBe(
      "members[0].extra",
    );
    expect(
      InviteSessionRequest.safeParse(body(1, { tools: [{ extra: chars(4096) }] })).success,
    ).toBe(true);
    expect(failingField(InviteSessionRequest, body(1, { tools: [{ extra: chars(4097) }] }))).toBe(
      "members[0].tools[0].extra",
    );
  });

  test("a tool's userID may be empty but not longer than 64", () => {
    expect(
      InviteSessionRequest.safeParse(body(1, { tools: [{ userID: chars(64) }] })).success,
    ).toBe(true);
    expect(failingField(InviteSessionRequest, body(1, { tools: [{ userID: chars(65) }] }))).toBe(
      "members[0].tools[0].userID",
    );
  });

  test("integers out of int32 range fail at their path", () => {
    expect(failingField(InviteSessionRequest, body(1, { roles: [1, 2 ** 31] }))).toBe(
      "members[0].roles[1]",
    );
    expect(failingField(InviteSessionRequest, body(1, { deviceType: "1.5" }))).toBe(
      "members[0].deviceType",
    );
    expect(failingField(InviteSessionRequest, body(1, { seqID: true }))).toBe("members[0].seqID");
  });

  test("a non-object body fails at the root", () => {
    expect(failingField(InviteSessionRequest, "[]")).toBe("");
    expect(failingField(InviteSessionRequest, [])).toBe("");
    expect(failingField(InviteSessionRequest, null)).toBe("");
  });
});

describe("InviteSessionResult", () => {
  test("accepts the three outcomes with a state name", () => {
    const value = {
      members: [
        { userID: "a", outcome: "added", memberSessionState: "MEMBER_CALLING" },
        { userID: "b", outcome: "rung_again", memberSessionState: "MEMBER_CALLING" },
        { userID: "c", outcome: "unchanged", memberSessionState: "MEMBER_TALKING" },
      ],
    };
    expect(InviteSessionResult.parse(value)).toStrictEqual(value);
  });

  test("rejects an unknown outcome or a numeric state", () => {
    expect(
      InviteSessionResult.safeParse({
        members: [{ userID: "a", outcome: "rung", memberSessionState: "MEMBER_CALLING" }],
      }).success,
    ).toBe(false);
    expect(
      InviteSessionResult.safeParse({
        members: [{ userID: "a", outcome: "added", memberSessionState: 1 }],
      }).success,
    ).toBe(false);
  });
});
