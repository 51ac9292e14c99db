import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { consoleErrorOf, formFieldFor, isRetryable } from "./errors";

const INVITE_FIELDS = {
  userID: "inviter",
  members: "invitees",
  "members[].userID": "invitees",
  "members[].deviceType": "deviceType",
  "members[].roles": "roles",
} as const;

function serverError(reason: string, field: string | null, httpStatus: number, message: string) {
  return TRPCClientError.from({
    error: {
      code: -32600,
      message,
      data: { code: "BAD_REQUEST", httpStatus, path: "session.invite", hiar: { reason, field } },
    },
  });
}

describe("formFieldFor", () => {
  it("puts a server error next to the form field its path names", () => {
    expect(formFieldFor("userID", INVITE_FIELDS)).toBe("inviter");
    expect(formFieldFor("members", INVITE_FIELDS)).toBe("invitees");
    expect(formFieldFor("members[3].userID", INVITE_FIELDS)).toBe("invitees");
    expect(formFieldFor("members[0].deviceType", INVITE_FIELDS)).toBe("deviceType");
    expect(formFieldFor("members[12].roles[1]", INVITE_FIELDS)).toBe("roles");
  });

  it("has no field for paths the form does not edit", () => {
    expect(formFieldFor("sessionID", INVITE_FIELDS)).toBeNull();
    expect(formFieldFor("members[0].extra", INVITE_FIELDS)).toBe("invitees");
    expect(formFieldFor("", INVITE_FIELDS)).toBeNull();
    expect(formFieldFor(null, INVITE_FIELDS)).toBeNull();
    expect(formFieldFor("userIDs", INVITE_FIELDS)).toBeNull();
  });
});

describe("consoleErrorOf", () => {
  it("reads the catalogue reason, message and field the server sends", () => {
    const error = consoleErrorOf(
      serverError("INVALID_PARAM", "members[1].userID", 400, "members[1].userID: is too long"),
    );
    expect(error).toEqual({
      reason: "INVALID_PARAM",
      message: "members[1].userID: is too long",
      field: "members[1].userID",
      code: "BAD_REQUEST",
    });
  });

  it("says the server was not reached when there is no catalogue error", () => {
    expect(consoleErrorOf(new TRPCClientError("fetch failed")).reason).toBe("UNAVAILABLE");
    expect(consoleErrorOf(new Error("boom"))).toMatchObject({
      reason: "INTERNAL",
      message: "boom",
    });
  });

  it("retries only what might succeed later", () => {
    expect(isRetryable(serverError("NOT_FOUND", "sessionID", 404, "not found"))).toBe(false);
    expect(isRetryable(serverError("UNAVAILABLE", null, 503, "down"))).toBe(true);
    expect(isRetryable(new TRPCClientError("fetch failed"))).toBe(true);
  });
});
