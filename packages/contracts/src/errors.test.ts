import { describe, expect, test } from "vitest";
import { ERROR_CATALOGUE, ERROR_REASONS, isErrorReason } from "./error-catalogue";
import { HiarError, isHiarError } from "./hiar-error";

// The catalogue of docs/errors.md, written out independently of the catalogue.
const TABLE = [
  [1001, "INVALID_PARAM", 400],
  [1002, "UNAUTHENTICATED", 401],
  [1003, "REQUEST_EXPIRED", 401],
  [1004, "NONCE_REUSED", 401],
  [1005, "PERMISSION_DENIED", 403],
  [1006, "NOT_FOUND", 404],
  [1007, "INVALID_STATE", 409],
  [1008, "MEMBER_LIMIT_EXCEEDED", 409],
  [1009, "PAYLOAD_TOO_LARGE", 413],
  [1010, "UNSUPPORTED_MEDIA_TYPE", 415],
  [1011, "RATE_LIMITED", 429],
  [1012, "UNAVAILABLE", 503],
  [1013, "INTERNAL", 500],
] as const;

describe("ERROR_CATALOGUE", () => {
  test("has the 13 reasons of docs/errors.md, and no others", () => {
    expect(Object.keys(ERROR_CATALOGUE)).toHaveLength(13);
    expect(Object.keys(ERROR_CATALOGUE).sort()).toStrictEqual(TABLE.map(([, r]) => r).sort());
    expect([...ERROR_REASONS].sort()).toStrictEqual(TABLE.map(([, r]) => r).sort());
  });

  test.each(TABLE)("%i %s → HTTP %i", (code, reason, httpStatus) => {
    const entry = ERROR_CATALOGUE[reason];
    expect(entry.code).toBe(code);
    expect(entry.reason).toBe(reason);
    expect(entry.httpStatus).toBe(httpStatus);
    expect(entry.message.length).toBeGreaterThan(0);
  });

  test("codes are unique", () => {
    const codes = Object.values(ERROR_CATALOGUE).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).not.toContain(0);
  });

  test("isErrorReason", () => {
    expect(isErrorReason("NOT_FOUND")).toBe(true);
    expect(isErrorReason("SUCCESS")).toBe(false);
    expect(isErrorReason("toString")).toBe(false);
    expect(isErrorReason(1006)).toBe(false);
  });
});

describe("HiarError", () => {
  test("defaults its message to the catalogue's", () => {
    const error = new HiarError("NOT_FOUND");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("HiarError");
    expect(error.reason).toBe("NOT_FOUND");
    expect(error.message).toBe("not found");
    expect(error.code).toBe(1006);
    expect(error.httpStatus).toBe(404);
    expect(error.field).toBeUndefined();
  });

  test("carries message, field, details and cause", () => {
    const cause = new Error("root");
    const error = new HiarError("INVALID_PARAM", "members[0].userID: bad", {
      field: "members[0].userID",
      details: { n: 1 },
      cause,
    });
    expect(error.message).toBe("members[0].userID: bad");
    expect(error.field).toBe("members[0].userID");
    expect(error.details).toStrictEqual({ n: 1 });
    expect(error.cause).toBe(cause);
  });

  test("isHiarError recognises a copy from another module instance, not a look-alike", () => {
    expect(isHiarError(new HiarError("INTERNAL"))).toBe(true);
    const copy = Object.assign(new Error("x"), { name: "HiarError", reason: "NOT_FOUND" });
    expect(isHiarError(copy)).toBe(true);
    expect(isHiarError(Object.assign(new Error("x"), { name: "HiarError", reason: "NOPE" }))).toBe(
      false,
    );
    expect(isHiarError(new Error("x"))).toBe(false);
    expect(isHiarError({ name: "HiarError", reason: "NOT_FOUND" })).toBe(false);
  });
});
