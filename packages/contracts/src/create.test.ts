import { describe, expect, test } from "vitest";
import { CreateCollaborationRequest } from "./create";
import { chars, failingField } from "./test-support";

function members(n: number) {
  return Array.from({ length: n }, (_, i) => ({ userID: `user${i}` }));
}

describe("CreateCollaborationRequest", () => {
  test("a minimal body takes proto defaults everywhere", () => {
    expect(CreateCollaborationRequest.parse({ userID: "creator" })).toStrictEqual({
      userID: "creator",
      beginTime: 0,
      endTime: 0,
      detail: "",
      extra: "",
      members: [],
      ruleSettings: {
        stopControl: "STOP_ZERO",
        closeControl: "CLOSE_UNSPECIFIED",
        numberLimit: 0,
        autoRecord: false,
        isMuteIn: false,
        isCameraOffIn: false,
        confirmControl: false,
        roleControl: false,
        roleRights: [],
        mediaControl: {
          audioLimit: 0,
          videoLimit: 0,
          audios: [],
          videos: [],
          mediaSet: [],
          mutex: [],
        },
        toolControl: { toolSet: [], mutex: [] },
        callingTimeout: 0,
      },
    });
  });

  test("a full body: int64 as strings, enums by number, unknown fields dropped", () => {
    const parsed = CreateCollaborationRequest.parse({
      userID: "creator",
      beginTime: "1688180400",
      endTime: 1688184000,
      detail: "weekly review",
      extra: "media configs",
      members: [
        {
          userID: "creator",
          confirmState: "CONFIRM_ACCEPT",
          deviceType: 1,
          roles: [1],
          memberSessionState: "MEMBER_TALKING",
        },
        { userID: "user01", confirmState: 2, deviceType: "2", roles: ["3"] },
      ],
      ruleSettings: { numberLimit: 10, confirmControl: true },
      corpID: 1,
    });
    expect(parsed).toMatchObject({
      beginTime: 1688180400,
      endTime: 1688184000,
      detail: "weekly review",
    });
    expect(parsed).not.toHaveProperty("corpID");
    expect(parsed.members).toStrictEqual([
      { userID: "creator", confirmState: "CONFIRM_ACCEPT", deviceType: 1, roles: [1] },
      { userID: "user01", confirmState: "CONFIRM_REJECT", deviceType: 2, roles: [3] },
    ]);
    expect(parsed.ruleSettings.numberLimit).toBe(10);
    expect(parsed.ruleSettings.confirmControl).toBe(true);
  });

  test("the creator's userID is required and 1–64 characters", () => {
    expect(failingField(CreateCollaborationRequest, {})).toBe("userID");
    expect(failingField(CreateCollaborationRequest, { userID: chars(65) })).toBe("userID");
    expect(CreateCollaborationRequest.safeParse({ userID: chars(64) }).success).toBe(true);
  });

  test("beginTime/endTime are int64", () => {
    expect(failingField(CreateCollaborationRequest, { userID: "c", beginTime: "soon" })).toBe(
      "beginTime",
    );
    expect(failingField(CreateCollaborationRequest, { userID: "c", endTime: 1.5 })).toBe("endTime");
  });

  test("detail and extra: 4096 characters pass, 4097 fail", () => {
    expect(
      CreateCollaborationRequest.safeParse({ userID: "c", detail: chars(4096), extra: chars(4096) })
        .success,
    ).toBe(true);
    expect(failingField(CreateCollaborationRequest, { userID: "c", detail: chars(4097) })).toBe(
      "detail",
    );
    expect(failingField(CreateCollaborationRequest, { userID: "c", extra: chars(4097) })).toBe(
      "extra",
    );
  });

  test("members: exactly 500 pass, 501 fail", () => {
    expect(
      CreateCollaborationRequest.parse({ userID: "c", members: members(500) }).members,
    ).toHaveLength(500);
    expect(failingField(CreateCollaborationRequest, { userID: "c", members: members(501) })).toBe(
      "members",
    );
  });

  test("a userID listed twice fails at the duplicate's path", () => {
    const list = members(4);
    list.push({ userID: "user2" });
    expect(failingField(CreateCollaborationRequest, { userID: "c", members: list })).toBe(
      "members[4].userID",
    );
  });

  test("a member's bad field fails at its path", () => {
    expect(
      failingField(CreateCollaborationRequest, { userID: "c", members: [{ userID: "" }] }),
    ).toBe("members[0].userID");
    expect(
      failingField(CreateCollaborationRequest, {
        userID: "c",
        members: [{ userID: "a", confirmState: 3 }],
      }),
    ).toBe("members[0].confirmState");
    expect(
      failingField(CreateCollaborationRequest, { userID: "c", ruleSettings: { numberLimit: -1 } }),
    ).toBe("ruleSettings.numberLimit");
  });
});
