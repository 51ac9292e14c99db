import { describe, expect, test } from "vitest";
import * as z from "zod";
import * as contracts from "./index";

// The schemas feed OpenAPI generation later: requests as inputs, responses as outputs.
describe("JSON Schema generation", () => {
  test.each([
    ["InviteSessionRequest", contracts.InviteSessionRequest],
    ["CreateCollaborationRequest", contracts.CreateCollaborationRequest],
    ["QueryByUserRequest", contracts.QueryByUserRequest],
  ] as const)("%s converts as an input", (_name, schema) => {
    const json = z.toJSONSchema(schema, { io: "input" }) as { type?: string; properties?: object };
    expect(json.type).toBe("object");
    expect(json.properties).toHaveProperty("userID");
  });

  test.each([
    ["InviteSessionResponse", contracts.InviteSessionResponse],
    ["CreateCollaborationResponse", contracts.CreateCollaborationResponse],
    ["QueryByUserResponse", contracts.QueryByUserResponse],
    ["ErrorEnvelope", contracts.ErrorEnvelope],
    ["InviteSessionResult", contracts.InviteSessionResult],
  ] as const)("%s converts as an output", (_name, schema) => {
    const json = z.toJSONSchema(schema, { io: "output" }) as { type?: string };
    expect(json.type).toBe("object");
  });

  test("an enum field documents its names; an int64 response field is a string", () => {
    const input = JSON.stringify(z.toJSONSchema(contracts.MemberInfo, { io: "input" }));
    expect(input).toContain("MEMBER_CALLING");
    const output = z.toJSONSchema(contracts.SessionInfo, { io: "output" });
    expect(output.properties?.beginTime).toMatchObject({ type: "string" });
  });
});

describe("public surface", () => {
  test.each([
    "LIMITS",
    "memberLimitFor",
    "ConfirmState",
    "CONFIRM_STATES",
    "MemberSessionState",
    "MEMBER_SESSION_STATES",
    "CollaborationState",
    "COLLABORATION_STATES",
    "SessionState",
    "SESSION_STATES",
    "RecordState",
    "RECORD_STATES",
    "StopControl",
    "STOP_CONTROLS",
    "CloseControl",
    "CLOSE_CONTROLS",
    "Right",
    "RIGHTS",
    "TERMINAL_MEMBER_STATES",
    "LIVE_MEMBER_STATES",
    "MEMBER_TRANSITIONS",
    "canTransition",
    "Int32",
    "Int64",
    "int64ToString",
    "CollabTool",
    "MemberInfo",
    "InviteSessionRequest",
    "InviteSessionResult",
    "RuleSettings",
    "CreateCollaborationRequest",
    "QueryByUserRequest",
    "SessionInfo",
    "CollaborationInfo",
    "QueryByUserResp",
    "CreateResp",
    "TYPE_URLS",
    "EMPTY_ANY",
    "successEnvelope",
    "errorEnvelope",
    "ERROR_CATALOGUE",
    "HiarError",
    "describeZodError",
    "parseOrThrow",
  ])("exports %s", (name) => {
    expect(contracts).toHaveProperty(name);
  });
});
