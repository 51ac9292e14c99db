import { describe, expect, it } from "vitest";
import { holdsKickRight, mayEndSession } from "./lifecycle-rules";

describe("holdsKickRight", () => {
  const base = { userID: "u", roles: [2], starterID: "s", creatorID: "c" };

  it("without role control: the starter and the creator", () => {
    expect(holdsKickRight({ ...base, ruleSettings: {} })).toBe(false);
    expect(holdsKickRight({ ...base, userID: "s", ruleSettings: {} })).toBe(true);
    expect(holdsKickRight({ ...base, userID: "c", ruleSettings: { roleControl: false } })).toBe(
      true,
    );
  });

  it("with role control: a role granted RIGHT_KICKOUT or RIGHT_ALL (by name or number)", () => {
    const rules = (rights: unknown[]) => ({
      roleControl: true,
      roleRights: [{ role: 2, rights }],
    });
    expect(holdsKickRight({ ...base, ruleSettings: rules(["RIGHT_KICKOUT"]) })).toBe(true);
    expect(holdsKickRight({ ...base, ruleSettings: rules([3]) })).toBe(true); // RIGHT_ALL
    expect(holdsKickRight({ ...base, ruleSettings: rules(["RIGHT_START"]) })).toBe(false);
    expect(holdsKickRight({ ...base, roles: [7], ruleSettings: rules(["RIGHT_ALL"]) })).toBe(false);
    // Role control replaces the default: the creator needs a granted role too.
    expect(
      holdsKickRight({ ...base, userID: "c", roles: [], ruleSettings: rules(["RIGHT_ALL"]) }),
    ).toBe(false);
  });

  it("treats unusable stored settings as no role control", () => {
    expect(holdsKickRight({ ...base, userID: "c", ruleSettings: { roleControl: "yes" } })).toBe(
      true,
    );
  });
});

describe("mayEndSession", () => {
  it("the starter or the creator", () => {
    const ids = { starterID: "s", creatorID: "c" };
    expect(["s", "c", "x"].map((userID) => mayEndSession({ userID, ...ids }))).toStrictEqual([
      true,
      true,
      false,
    ]);
  });
});
