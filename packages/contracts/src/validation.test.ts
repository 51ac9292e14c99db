import { describe, expect, test } from "vitest";
import * as z from "zod";
import { HiarError } from "./hiar-error";
import { InviteSessionRequest } from "./invite";
import { describeZodError, formatPath, parseOrThrow } from "./validation";

describe("formatPath", () => {
  test.each([
    [[], ""],
    [["userID"], "userID"],
    [["members", 0, "userID"], "members[0].userID"],
    [["ruleSettings", "roleRights", 2, "rights", 0], "ruleSettings.roleRights[2].rights[0]"],
    [["members", "user-01", "roles"], 'members["user-01"].roles'],
    [["@type"], '["@type"]'],
  ])("%j → %s", (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe("describeZodError", () => {
  test("names the first issue's field in JS notation", () => {
    const result = InviteSessionRequest.safeParse({
      collaborationID: "c",
      sessionID: "s",
      userID: "u",
      members: [{ userID: "" }, { userID: 5 }],
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(describeZodError(result.error)).toStrictEqual({
      field: "members[0].userID",
      message: "members[0].userID: must be 1–64 characters",
    });
  });

  test("a root issue has an empty field and says so", () => {
    const result = InviteSessionRequest.safeParse(42);
    if (result.success) throw new Error("parsed");
    expect(describeZodError(result.error)).toStrictEqual({
      field: "",
      message: "request body: must be an object",
    });
  });

  test("an error without issues", () => {
    expect(describeZodError({ issues: [] })).toStrictEqual({ field: "", message: "invalid input" });
  });
});

describe("parseOrThrow", () => {
  test("returns the parsed value", () => {
    expect(parseOrThrow(z.object({ a: z.string() }), { a: "x", b: 1 })).toStrictEqual({ a: "x" });
  });

  test("throws HiarError INVALID_PARAM naming the field", () => {
    let thrown: unknown;
    try {
      parseOrThrow(InviteSessionRequest, {
        collaborationID: "c",
        sessionID: "s",
        userID: "u",
        members: [{ userID: "a" }, { userID: "b", memberSessionState: "MEMBER_LEFT" }],
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HiarError);
    const error = thrown as HiarError;
    expect(error.reason).toBe("INVALID_PARAM");
    expect(error.httpStatus).toBe(400);
    expect(error.field).toBe("members[1].memberSessionState");
    expect(error.message).toBe("members[1].memberSessionState: must be MEMBER_CALLING or omitted");
    expect(error.details).toStrictEqual({
      issues: [
        {
          field: "members[1].memberSessionState",
          message: "members[1].memberSessionState: must be MEMBER_CALLING or omitted",
        },
      ],
    });
  });

  test("keeps at most 20 issues in details", () => {
    const schema = z.array(z.string());
    try {
      parseOrThrow(
        schema,
        Array.from({ length: 50 }, () => 1),
      );
      throw new Error("parsed");
    } catch (error) {
      expect((error as HiarError).details).toMatchObject({ issues: expect.any(Array) });
      expect(((error as HiarError).details as { issues: unknown[] }).issues).toHaveLength(20);
    }
  });
});
