import { describe, expect, test } from "vitest";
import { CreateCollaborationRequest } from "./create";
import { MAX_CALLING_TIMEOUT_SECONDS, RuleSettings } from "./rule-settings";
import { failingField, failingMessage } from "./test-support";

const DEFAULTS = {
  stopControl: "STOP_ZERO",
  closeControl: "CLOSE_UNSPECIFIED",
  numberLimit: 0,
  autoRecord: false,
  isMuteIn: false,
  isCameraOffIn: false,
  confirmControl: false,
  roleControl: false,
  roleRights: [],
  mediaControl: { audioLimit: 0, videoLimit: 0, audios: [], videos: [], mediaSet: [], mutex: [] },
  toolControl: { toolSet: [], mutex: [] },
  callingTimeout: 0,
};

describe("RuleSettings", () => {
  test("absent fields, nested messages included, take proto defaults", () => {
    expect(RuleSettings.parse({})).toStrictEqual(DEFAULTS);
    expect(
      RuleSettings.parse({ mediaControl: null, toolControl: {}, roleRights: null }),
    ).toStrictEqual(DEFAULTS);
  });

  test("a full mock parses to names and numbers", () => {
    expect(
      RuleSettings.parse({
        stopControl: 0,
        closeControl: "CLOSE_MANUAL",
        numberLimit: "8",
        autoRecord: true,
        isMuteIn: true,
        isCameraOffIn: true,
        confirmControl: true,
        roleControl: true,
        roleRights: [{ role: 1, rights: ["RIGHT_DELETE_MEMBER", 5, "3"] }],
        mediaControl: {
          audioLimit: 2,
          videoLimit: "3",
          audios: [1],
          videos: [2],
          mediaSet: [1, 2],
          mutex: [{ medias: [1, 2] }],
        },
        toolControl: { toolSet: [4], mutex: [{ tools: ["4", 5] }] },
        unknownRule: true,
      }),
    ).toStrictEqual({
      stopControl: "STOP_ZERO",
      closeControl: "CLOSE_MANUAL",
      numberLimit: 8,
      autoRecord: true,
      isMuteIn: true,
      isCameraOffIn: true,
      confirmControl: true,
      roleControl: true,
      roleRights: [{ role: 1, rights: ["RIGHT_DELETE_MEMBER", "RIGHT_KICKOUT", "RIGHT_ALL"] }],
      mediaControl: {
        audioLimit: 2,
        videoLimit: 3,
        audios: [1],
        videos: [2],
        mediaSet: [1, 2],
        mutex: [{ medias: [1, 2] }],
      },
      toolControl: { toolSet: [4], mutex: [{ tools: [4, 5] }] },
      callingTimeout: 0,
    });
  });

  test("numberLimit must be ≥ 0", () => {
    expect(RuleSettings.parse({ numberLimit: 0 }).numberLimit).toBe(0);
    expect(failingField(RuleSettings, { numberLimit: -1 })).toBe("numberLimit");
    expect(failingField(RuleSettings, { numberLimit: 2 ** 31 })).toBe("numberLimit");
  });

  describe("callingTimeout (our extension)", () => {
    const timeout = (value: unknown) =>
      RuleSettings.parse({ callingTimeout: value }).callingTimeout;
    const create = (callingTimeout: unknown) => ({ userID: "c", ruleSettings: { callingTimeout } });

    test("absent, null or 0 is 0: the deployment's default", () => {
      expect(RuleSettings.parse({}).callingTimeout).toBe(0);
      expect(timeout(null)).toBe(0);
      expect(timeout(0)).toBe(0);
      expect(timeout("0")).toBe(0);
      expect(timeout("-0")).toBe(0);
    });

    test("seconds as a JSON number or a decimal string, 1…86400", () => {
      expect(MAX_CALLING_TIMEOUT_SECONDS).toBe(86_400);
      expect(timeout(1)).toBe(1);
      expect(timeout("1")).toBe(1);
      expect(timeout(45)).toBe(45);
      expect(timeout("90")).toBe(90);
      expect(timeout(86_400)).toBe(86_400);
      expect(timeout("86400")).toBe(86_400);
    });

    test("out of bounds or not an int32: INVALID_PARAM at ruleSettings.callingTimeout", () => {
      for (const bad of [-1, "-1", 86_401, "86401", 2 ** 31, "2147483648"]) {
        expect(failingField(CreateCollaborationRequest, create(bad))).toBe(
          "ruleSettings.callingTimeout",
        );
      }
      for (const bad of [1.5, "1.5", "", " 1", "1e3", "abc", true, false, [], {}]) {
        expect(failingField(CreateCollaborationRequest, create(bad))).toBe(
          "ruleSettings.callingTimeout",
        );
      }
      expect(failingMessage(CreateCollaborationRequest, create(86_401))).toBe(
        "ruleSettings.callingTimeout: must be 0 (the deployment's default) or 1–86400 seconds",
      );
      expect(failingMessage(CreateCollaborationRequest, create(-1))).toBe(
        "ruleSettings.callingTimeout: must be 0 (the deployment's default) or 1–86400 seconds",
      );
      expect(failingMessage(CreateCollaborationRequest, create("soon"))).toMatch(
        /^ruleSettings\.callingTimeout: must be an int32/,
      );
    });

    test("the other rules are unaffected by it, and it by them", () => {
      expect(RuleSettings.parse({ numberLimit: 3, callingTimeout: "5" })).toStrictEqual({
        ...DEFAULTS,
        numberLimit: 3,
        callingTimeout: 5,
      });
    });
  });

  test("bad values fail at their nested path", () => {
    expect(failingField(RuleSettings, { closeControl: 2 })).toBe("closeControl");
    expect(failingField(RuleSettings, { stopControl: 1 })).toBe("stopControl");
    expect(failingField(RuleSettings, { confirmControl: "true" })).toBe("confirmControl");
    expect(failingField(RuleSettings, { roleRights: [{ rights: ["RIGHT_NONE"] }] })).toBe(
      "roleRights[0].rights[0]",
    );
    expect(failingField(RuleSettings, { mediaControl: { mutex: [{ medias: ["x"] }] } })).toBe(
      "mediaControl.mutex[0].medias[0]",
    );
    expect(failingField(RuleSettings, { toolControl: 1 })).toBe("toolControl");
  });
});
