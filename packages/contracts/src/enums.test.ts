import { describe, expect, test } from "vitest";
import type * as z from "zod";
import {
  CLOSE_CONTROLS,
  CloseControl,
  COLLABORATION_STATES,
  CONFIRM_STATES,
  CollaborationState,
  ConfirmState,
  enumNumber,
  MEMBER_SESSION_STATES,
  MemberSessionState,
  RECORD_STATES,
  RecordState,
  RIGHTS,
  Right,
  SESSION_STATES,
  SessionState,
  STOP_CONTROLS,
  StopControl,
} from "./enums";
import { message, withZero } from "./scalars";

// Each enum with the exact numbering the brief fixes (index = protojson number).
const ENUMS = [
  [
    "ConfirmState",
    ConfirmState,
    CONFIRM_STATES,
    ["CONFIRM_UNSPECIFIED", "CONFIRM_ACCEPT", "CONFIRM_REJECT"],
  ],
  [
    "MemberSessionState",
    MemberSessionState,
    MEMBER_SESSION_STATES,
    [
      "MEMBER_UNSPECIFIED",
      "MEMBER_CALLING",
      "MEMBER_TALKING",
      "MEMBER_LEFT",
      "MEMBER_TIMEOUT",
      "MEMBER_BUSY",
      "MEMBER_OFFLINE",
      "MEMBER_KICKOUT",
      "MEMBER_DECLINE",
    ],
  ],
  [
    "CollaborationState",
    CollaborationState,
    COLLABORATION_STATES,
    ["COLLABORATION_UNSPECIFIED", "COLLABORATION_START", "COLLABORATION_END"],
  ],
  [
    "SessionState",
    SessionState,
    SESSION_STATES,
    ["SESSION_UNSPECIFIED", "SESSION_SCHEDULE", "SESSION_START", "SESSION_END"],
  ],
  ["RecordState", RecordState, RECORD_STATES, ["RECORD_STATE_UNSPECIFIED"]],
  ["StopControl", StopControl, STOP_CONTROLS, ["STOP_ZERO"]],
  ["CloseControl", CloseControl, CLOSE_CONTROLS, ["CLOSE_UNSPECIFIED", "CLOSE_MANUAL"]],
  [
    "Right",
    Right,
    RIGHTS,
    [
      "RIGHT_UNSPECIFIED",
      "RIGHT_DELETE_MEMBER",
      "RIGHT_CANCEL",
      "RIGHT_ALL",
      "RIGHT_START",
      "RIGHT_KICKOUT",
    ],
  ],
] as const;

describe.each(ENUMS)("%s", (_name, schema, names, expected) => {
  test("lists its names in protojson number order", () => {
    expect([...names]).toStrictEqual([...expected]);
  });

  test.each(expected.map((n, i) => [n, i] as const))("%s is number %i", (name, number) => {
    expect(schema.parse(name)).toBe(name);
    expect(schema.parse(number)).toBe(name);
    expect(schema.parse(String(number))).toBe(name);
    expect(enumNumber(names as readonly string[], name)).toBe(number);
  });

  test.each([
    ["an unknown name", "NOT_A_VALUE"],
    ["a lower-case name", expected[0].toLowerCase()],
    ["the number just past the end", expected.length],
    ["the same as a string", String(expected.length)],
    ["a negative number", -1],
    ["a negative numeric string", "-1"],
    ["a fraction", 0.5],
    ["a fractional string", "0.5"],
    ["a padded numeric string", " 0"],
    ["the empty string", ""],
    ["a boolean", true],
    ["null", null],
    ["undefined", undefined],
    ["an object", {}],
  ])("rejects %s", (_label, input) => {
    expect(schema.safeParse(input).success).toBe(false);
  });
});

describe("enum fields", () => {
  const Shape = message({ state: withZero(MemberSessionState, "MEMBER_UNSPECIFIED") });

  test("absent or null take the zero name", () => {
    expect(Shape.parse({})).toStrictEqual({ state: "MEMBER_UNSPECIFIED" });
    expect(Shape.parse({ state: null })).toStrictEqual({ state: "MEMBER_UNSPECIFIED" });
  });

  test("a bad value names the field", () => {
    const result = Shape.safeParse({ state: 9 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toStrictEqual(["state"]);
    expect(result.error?.issues[0]?.message).toContain("MEMBER_DECLINE");
  });

  test("the output type is the name union", () => {
    type Out = z.output<typeof MemberSessionState>;
    const out: Out = MemberSessionState.parse(8);
    expect(out).toBe("MEMBER_DECLINE");
  });
});
