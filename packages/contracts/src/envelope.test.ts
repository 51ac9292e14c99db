import { describe, expect, test } from "vitest";
import {
  CreateCollaborationResponse,
  createRespAny,
  EMPTY_ANY,
  EmptyAny,
  ErrorEnvelope,
  envelopeSchema,
  errorEnvelope,
  errorResponse,
  InviteSessionResponse,
  QueryByUserResponse,
  queryByUserRespAny,
  successEnvelope,
  TYPE_URLS,
} from "./envelope";
import { HiarError } from "./hiar-error";

describe("TYPE_URLS and Any", () => {
  test("type URLs", () => {
    expect(TYPE_URLS).toStrictEqual({
      Empty: "type.googleapis.com/google.protobuf.Empty",
      CreateResp: "type.googleapis.com/hileia_core_collaboration.v1.CreateResp",
      QueryByUserResp: "type.googleapis.com/hileia_core_collaboration.v1.QueryByUserResp",
      UserTokenResp: "type.googleapis.com/collab.v1.UserTokenResp",
      SessionEventsResp: "type.googleapis.com/collab.v1.SessionEventsResp",
      UserCallsResp: "type.googleapis.com/collab.v1.UserCallsResp",
    });
  });

  test("EMPTY_ANY is the seed's data, and cannot be changed", () => {
    expect(JSON.stringify(EMPTY_ANY)).toBe(
      '{"@type":"type.googleapis.com/google.protobuf.Empty","value":{}}',
    );
    expect(Object.isFrozen(EMPTY_ANY)).toBe(true);
    expect(Object.isFrozen(EMPTY_ANY.value)).toBe(true);
  });

  test("EmptyAny accepts the seed's data only", () => {
    expect(
      EmptyAny.safeParse({ "@type": "type.googleapis.com/google.protobuf.Empty", value: {} })
        .success,
    ).toBe(true);
    expect(EmptyAny.safeParse({ "@type": TYPE_URLS.CreateResp, value: {} }).success).toBe(false);
    expect(EmptyAny.safeParse({ "@type": TYPE_URLS.Empty, value: { a: 1 } }).success).toBe(false);
    expect(EmptyAny.safeParse({ "@type": TYPE_URLS.Empty }).success).toBe(false);
  });

  test("CreateResp rides beside its @type (docs/hiar-api.md)", () => {
    expect(JSON.stringify(createRespAny({ collaborationID: "c", sessionID: "s" }))).toBe(
      '{"@type":"type.googleapis.com/hileia_core_collaboration.v1.CreateResp","collaborationID":"c","sessionID":"s"}',
    );
    expect(queryByUserRespAny({ infos: [] })).toStrictEqual({
      "@type": TYPE_URLS.QueryByUserResp,
      infos: [],
    });
  });
});

describe("successEnvelope", () => {
  test("builds {code:0, reason:SUCCESS, message:'', data}", () => {
    expect(JSON.stringify(successEnvelope(EMPTY_ANY))).toBe(
      '{"code":0,"reason":"SUCCESS","message":"","data":{"@type":"type.googleapis.com/google.protobuf.Empty","value":{}}}',
    );
  });

  test("schemas accept what the builders make and reject other data", () => {
    expect(InviteSessionResponse.safeParse(successEnvelope(EMPTY_ANY)).success).toBe(true);
    expect(
      InviteSessionResponse.safeParse(successEnvelope({ "@type": TYPE_URLS.Empty })).success,
    ).toBe(false);
    expect(
      InviteSessionResponse.safeParse({ ...successEnvelope(EMPTY_ANY), code: 1 }).success,
    ).toBe(false);
    const created = successEnvelope(createRespAny({ collaborationID: "c", sessionID: "s" }));
    expect(CreateCollaborationResponse.parse(created)).toStrictEqual(created);
    expect(CreateCollaborationResponse.safeParse(successEnvelope(EMPTY_ANY)).success).toBe(false);
    const queried = successEnvelope(queryByUserRespAny({ infos: [] }));
    expect(QueryByUserResponse.parse(queried)).toStrictEqual(queried);
  });
});

describe("errorEnvelope", () => {
  test("defaults to the catalogue message", () => {
    expect(errorEnvelope("NOT_FOUND")).toStrictEqual({
      code: 1006,
      reason: "NOT_FOUND",
      message: "not found",
      data: null,
    });
  });

  test("keeps a given message", () => {
    expect(
      errorEnvelope("INVALID_PARAM", "members[0].userID: must be 1–64 characters"),
    ).toStrictEqual({
      code: 1001,
      reason: "INVALID_PARAM",
      message: "members[0].userID: must be 1–64 characters",
      data: null,
    });
  });

  test("ErrorEnvelope checks that code and reason agree", () => {
    expect(ErrorEnvelope.safeParse(errorEnvelope("RATE_LIMITED")).success).toBe(true);
    expect(ErrorEnvelope.safeParse({ ...errorEnvelope("RATE_LIMITED"), code: 1001 }).success).toBe(
      false,
    );
    expect(ErrorEnvelope.safeParse({ ...errorEnvelope("RATE_LIMITED"), data: {} }).success).toBe(
      false,
    );
    expect(
      ErrorEnvelope.safeParse({ code: 1, reason: "OOPS", message: "", data: null }).success,
    ).toBe(false);
  });

  test("envelopeSchema accepts either envelope", () => {
    const schema = envelopeSchema(EmptyAny);
    expect(schema.safeParse(successEnvelope(EMPTY_ANY)).success).toBe(true);
    expect(schema.safeParse(errorEnvelope("INTERNAL")).success).toBe(true);
    expect(schema.safeParse({ code: 0, reason: "SUCCESS", message: "", data: null }).success).toBe(
      false,
    );
  });
});

describe("errorResponse", () => {
  test("a HiarError keeps its reason, message and HTTP status", () => {
    expect(errorResponse(new HiarError("MEMBER_LIMIT_EXCEEDED", "session is full"))).toStrictEqual({
      httpStatus: 409,
      body: { code: 1008, reason: "MEMBER_LIMIT_EXCEEDED", message: "session is full", data: null },
    });
  });

  test("anything else is INTERNAL and leaks nothing", () => {
    const response = errorResponse(new Error("connection string postgres://secret@db"));
    expect(response).toStrictEqual({
      httpStatus: 500,
      body: { code: 1013, reason: "INTERNAL", message: "internal error", data: null },
    });
    expect(errorResponse("boom").httpStatus).toBe(500);
  });
});
