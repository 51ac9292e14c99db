import { HiarError } from "@collab/contracts";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { toHiarError, toTRPCError } from "./errors";

describe("toHiarError", () => {
  it("keeps a HiarError, also wrapped by tRPC", () => {
    const original = new HiarError("NOT_FOUND", "session not found");
    expect(toHiarError(original)).toBe(original);
    expect(toHiarError(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: original }))).toBe(
      original,
    );
  });

  it("turns a zod error into INVALID_PARAM naming the field", () => {
    const result = z.object({ userID: z.string().min(1) }).safeParse({ userID: "" });
    expect(result.success).toBe(false);
    const error = toHiarError(result.error);
    expect(error.reason).toBe("INVALID_PARAM");
    expect(error.field).toBe("userID");
  });

  it("turns a lost database into UNAVAILABLE and anything else into INTERNAL", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(toHiarError(refused).reason).toBe("UNAVAILABLE");
    const internal = toHiarError(new Error("secret detail"));
    expect(internal.reason).toBe("INTERNAL");
    expect(internal.message).not.toContain("secret detail");
  });
});

describe("toTRPCError", () => {
  it.each([
    ["INVALID_PARAM", "BAD_REQUEST"],
    ["UNAUTHENTICATED", "UNAUTHORIZED"],
    ["PERMISSION_DENIED", "FORBIDDEN"],
    ["NOT_FOUND", "NOT_FOUND"],
    ["MEMBER_LIMIT_EXCEEDED", "CONFLICT"],
    ["RATE_LIMITED", "TOO_MANY_REQUESTS"],
    ["UNAVAILABLE", "SERVICE_UNAVAILABLE"],
    ["INTERNAL", "INTERNAL_SERVER_ERROR"],
  ] as const)("maps %s to %s", (reason, code) => {
    const error = toTRPCError(new HiarError(reason));
    expect(error.code).toBe(code);
    expect(toHiarError(error).reason).toBe(reason);
  });
});
