import { describe, expect, it } from "vitest";
import { ERROR_CATALOGUE } from "./error-catalogue";
import { COMMON_ERRORS, HIAR_OPERATIONS } from "./operations";

describe("HIAR_OPERATIONS", () => {
  const operations = Object.values(HIAR_OPERATIONS);

  it("has one operation per path, each a POST path starting with /", () => {
    const paths = operations.map((o) => o.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const path of paths) expect(path).toMatch(/^\/[a-z][a-z/]*$/);
  });

  it("names only catalogue errors, none repeated from the common list", () => {
    for (const operation of operations) {
      for (const reason of [...operation.errors, ...COMMON_ERRORS]) {
        expect(ERROR_CATALOGUE).toHaveProperty(reason);
      }
      expect(operation.errors.filter((r) => COMMON_ERRORS.includes(r))).toEqual([]);
    }
  });

  it("documents the seed's invite body as valid input and the Empty envelope as its answer", () => {
    const invite = HIAR_OPERATIONS.inviteSession;
    expect(
      invite.request.safeParse({
        collaborationID: "c",
        sessionID: "s",
        userID: "inviter",
        members: [{ userID: "string", memberSessionState: "MEMBER_CALLING" }],
      }).success,
    ).toBe(true);
    expect(
      invite.response.safeParse({
        code: 0,
        reason: "SUCCESS",
        message: "",
        data: { "@type": "type.googleapis.com/google.protobuf.Empty", value: {} },
      }).success,
    ).toBe(true);
  });
});
