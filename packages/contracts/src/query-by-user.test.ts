import { describe, expect, test } from "vitest";
import { QueryByUserRequest } from "./query-by-user";
import { chars, failingField } from "./test-support";

describe("QueryByUserRequest", () => {
  test("defaults: unbounded window, limit 20, offset 0, no history", () => {
    expect(QueryByUserRequest.parse({ userID: "user01" })).toStrictEqual({
      userID: "user01",
      beginTime: 0,
      endTime: 0,
      limit: 20,
      offset: 0,
      history: false,
    });
  });

  test("full body with protojson strings", () => {
    expect(
      QueryByUserRequest.parse({
        userID: "user01",
        beginTime: "1688180400",
        endTime: "1688184000",
        limit: "50",
        offset: "5",
        history: true,
        extra: "ignored",
      }),
    ).toStrictEqual({
      userID: "user01",
      beginTime: 1688180400,
      endTime: 1688184000,
      limit: 50,
      offset: 5,
      history: true,
    });
  });

  test.each([
    [undefined, 20],
    [null, 20],
    [0, 20],
    ["0", 20],
    [1, 1],
    [100, 100],
    ["100", 100],
  ])("limit %j → %j", (limit, expected) => {
    expect(QueryByUserRequest.parse({ userID: "u", limit }).limit).toBe(expected);
  });

  test.each([101, "101", -1, "-1", 1.5, "x", true])(
    "limit %j is INVALID_PARAM at limit",
    (limit) => {
      expect(failingField(QueryByUserRequest, { userID: "u", limit })).toBe("limit");
    },
  );

  test("offset must be a non-negative int32", () => {
    expect(QueryByUserRequest.parse({ userID: "u", offset: 2147483647 }).offset).toBe(2147483647);
    expect(failingField(QueryByUserRequest, { userID: "u", offset: -1 })).toBe("offset");
    expect(failingField(QueryByUserRequest, { userID: "u", offset: 2 ** 31 })).toBe("offset");
  });

  test("history is a JSON boolean", () => {
    expect(failingField(QueryByUserRequest, { userID: "u", history: "true" })).toBe("history");
  });

  test("userID is required, 1–64 characters", () => {
    expect(failingField(QueryByUserRequest, {})).toBe("userID");
    expect(failingField(QueryByUserRequest, { userID: chars(65) })).toBe("userID");
    expect(QueryByUserRequest.safeParse({ userID: chars(64) }).success).toBe(true);
  });

  test("times are int64", () => {
    expect(failingField(QueryByUserRequest, { userID: "u", beginTime: "yesterday" })).toBe(
      "beginTime",
    );
    expect(failingField(QueryByUserRequest, { userID: "u", endTime: "9223372036854775807" })).toBe(
      "endTime",
    );
  });
});
