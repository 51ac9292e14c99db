import { describe, expect, test } from "vitest";
import {
  Bool,
  BoolField,
  charLength,
  Extra,
  ExtraField,
  Id,
  IdField,
  Int32,
  Int32Field,
  Int64,
  Int64Field,
  Int64String,
  int64ToString,
  message,
  OptionalId,
  repeated,
} from "./scalars";
import { chars, failingField } from "./test-support";

describe("Int32", () => {
  test.each([
    [0, 0],
    [42, 42],
    [-5, -5],
    [2147483647, 2147483647],
    [-2147483648, -2147483648],
    ["42", 42],
    ["-5", -5],
    ["2147483647", 2147483647],
    ["-2147483648", -2147483648],
    ["007", 7],
    [-0, 0],
    ["-0", 0],
  ])("accepts %j as %j", (input, expected) => {
    expect(Object.is(Int32.parse(input), expected)).toBe(true);
  });

  test.each([
    2147483648,
    -2147483649,
    "2147483648",
    "-2147483649",
    1.5,
    "1.5",
    "abc",
    "",
    " 1",
    "1e3",
    "0x10",
    true,
    false,
    null,
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    [],
    {},
  ])("rejects %j", (input) => {
    expect(Int32.safeParse(input).success).toBe(false);
  });
});

describe("Int64", () => {
  test.each([
    [1688180400, 1688180400],
    ["1688180400", 1688180400],
    ["-1", -1],
    [0, 0],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ["9007199254740991", Number.MAX_SAFE_INTEGER],
    ["-9007199254740991", -Number.MAX_SAFE_INTEGER],
    [2 ** 31, 2 ** 31],
  ])("accepts %j as %j", (input, expected) => {
    expect(Int64.parse(input)).toBe(expected);
  });

  test.each([
    "9007199254740992",
    "9223372036854775807",
    2 ** 53,
    1.5,
    "1.5",
    "abc",
    "",
    true,
    null,
  ])("rejects %j", (input) => {
    expect(Int64.safeParse(input).success).toBe(false);
  });

  test("int64ToString emits a decimal string", () => {
    expect(int64ToString(1688180400)).toBe("1688180400");
    expect(int64ToString(0)).toBe("0");
    expect(int64ToString(-0)).toBe("0");
    expect(int64ToString(-12)).toBe("-12");
    expect(int64ToString(9223372036854775807n)).toBe("9223372036854775807");
    expect(int64ToString(Number.MAX_SAFE_INTEGER)).toBe("9007199254740991");
  });

  test("int64ToString refuses what is not a safe integer", () => {
    expect(() => int64ToString(1.5)).toThrow(RangeError);
    expect(() => int64ToString(2 ** 53)).toThrow(RangeError);
    expect(() => int64ToString(Number.NaN)).toThrow(RangeError);
  });

  test("Int64String accepts only canonical decimal strings", () => {
    for (const ok of ["0", "1688180400", "-5"])
      expect(Int64String.safeParse(ok).success).toBe(true);
    for (const bad of [1688180400, "", "01", "1.5", "+1", "-0x1"]) {
      expect(Int64String.safeParse(bad).success).toBe(false);
    }
  });
});

describe("Bool", () => {
  test("only JSON booleans", () => {
    expect(Bool.parse(true)).toBe(true);
    expect(Bool.parse(false)).toBe(false);
    for (const bad of ["true", 1, 0, null]) expect(Bool.safeParse(bad).success).toBe(false);
  });
});

describe("bounded strings", () => {
  test("Id is 1–64 characters", () => {
    expect(Id.parse("a")).toBe("a");
    expect(Id.parse(chars(64))).toBe(chars(64));
    expect(Id.safeParse(chars(65)).success).toBe(false);
    expect(Id.safeParse("").success).toBe(false);
    expect(Id.safeParse(5).success).toBe(false);
  });

  test("lengths count characters (code points), not UTF-16 units", () => {
    const emoji = "😀"; // two UTF-16 code units
    expect(charLength(emoji.repeat(3))).toBe(3);
    expect(Id.parse(emoji.repeat(64))).toBe(emoji.repeat(64));
    expect(Id.safeParse(emoji.repeat(65)).success).toBe(false);
    expect(Extra.parse(emoji.repeat(4096))).toHaveLength(8192);
    expect(Extra.safeParse(`${emoji.repeat(4096)}a`).success).toBe(false);
  });

  test("OptionalId allows the empty string, not 65 characters", () => {
    expect(OptionalId.parse("")).toBe("");
    expect(OptionalId.parse(chars(64))).toBe(chars(64));
    expect(OptionalId.safeParse(chars(65)).success).toBe(false);
  });

  test("Extra is at most 4096 characters", () => {
    expect(Extra.parse("")).toBe("");
    expect(Extra.parse(chars(4096))).toHaveLength(4096);
    expect(Extra.safeParse(chars(4097)).success).toBe(false);
  });
});

describe("proto3 fields", () => {
  const Shape = message({
    id: IdField,
    n: Int32Field,
    t: Int64Field,
    b: BoolField,
    x: ExtraField,
    list: repeated(Int32),
  });

  test("absent fields take proto defaults (an absent ID then fails, naming the field)", () => {
    expect(failingField(Shape, {})).toBe("id");
    expect(Shape.parse({ id: "a" })).toStrictEqual({
      id: "a",
      n: 0,
      t: 0,
      b: false,
      x: "",
      list: [],
    });
  });

  test("null fields take proto defaults too", () => {
    expect(Shape.parse({ id: "a", n: null, t: null, b: null, x: null, list: null })).toStrictEqual({
      id: "a",
      n: 0,
      t: 0,
      b: false,
      x: "",
      list: [],
    });
    expect(failingField(Shape, { id: null })).toBe("id");
  });

  test("unknown fields are dropped, not rejected", () => {
    expect(Shape.parse({ id: "a", unknown: 1, "@type": "x" })).toStrictEqual({
      id: "a",
      n: 0,
      t: 0,
      b: false,
      x: "",
      list: [],
    });
  });

  test("repeated elements may not be null and are checked one by one", () => {
    expect(Shape.parse({ id: "a", list: [1, "2"] }).list).toStrictEqual([1, 2]);
    expect(failingField(Shape, { id: "a", list: [1, null] })).toBe("list[1]");
    expect(failingField(Shape, { id: "a", list: "1" })).toBe("list");
  });

  test("a non-object message fails at its own path", () => {
    expect(failingField(message({ inner: message({}) }), { inner: 3 })).toBe("inner");
  });
});
