import { describe, expect, test } from "vitest";
import { LIMITS, memberLimitFor } from "./limits";

describe("LIMITS", () => {
  test("holds the numbers of docs/hiar-api.md", () => {
    expect(LIMITS).toStrictEqual({
      maxBodyBytes: 1048576,
      maxInviteMembers: 100,
      minIdLength: 1,
      maxIdLength: 64,
      maxExtraLength: 4096,
      maxSessionMembers: 500,
      maxCreateMembers: 500,
      dateWindowSeconds: 300,
      queryLimitDefault: 20,
      queryLimitMax: 100,
    });
  });

  test("memberLimitFor: 0 means the session cap; a lower numberLimit wins; a higher one does not", () => {
    expect(memberLimitFor(0)).toBe(500);
    expect(memberLimitFor(-3)).toBe(500);
    expect(memberLimitFor(10)).toBe(10);
    expect(memberLimitFor(500)).toBe(500);
    expect(memberLimitFor(501)).toBe(500);
  });
});
