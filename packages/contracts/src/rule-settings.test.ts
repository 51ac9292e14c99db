import { describe, expect, test } from "vitest";
import { RuleSettings } from "./rule-settings";
import { failingField } from "./test-helpers";

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
    });
  });

  test("numberLimit must be ≥ 0", () => {
    expect(RuleSettings.parse({ numberLimit: 0 }).numberLimit).toBe(0);
    expect(failingField(RuleSettings, { numberLimit: -1 })).toBe("numberLimit");
    expect(failingField(RuleSettings, { numberLimit: 2 ** 31 })).toBe("numberLimit");
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
