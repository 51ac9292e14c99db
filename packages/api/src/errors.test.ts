import { HiarError } from "@collab/contracts";
import { CorruptSecretError, UnknownSecretKeyError } from "@collab/db";
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

  it("turns an app secret this process cannot decrypt into UNAVAILABLE, not a wrong secret", () => {
    expect(toHiarError(new UnknownSecretKeyError("0123456789abcdef")).reason).toBe("UNAVAILABLE");
    expect(toHiarError(new CorruptSecretError(null)).reason).toBe("UNAVAILABLE");
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

describe("toHiarError for tRPC's own refusals of a malformed request", () => {
  it.each([
    [new TRPCError({ code: "NOT_FOUND", message: 'No procedure found on path "x"' }), "NOT_FOUND"],
    [
      new TRPCError({ code: "METHOD_NOT_SUPPORTED", message: "Unsupported GET-request" }),
      "INVALID_PARAM",
    ],
    [
      new TRPCError({ code: "BAD_REQUEST", message: "Unexpected token", cause: new SyntaxError() }),
      "INVALID_PARAM",
    ],
    [new TRPCError({ code: "PARSE_ERROR", message: "x" }), "INVALID_PARAM"],
    [
      new TRPCError({ code: "BAD_REQUEST", message: "Batch call exceeds maximum size" }),
      "PAYLOAD_TOO_LARGE",
    ],
    [
      new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: 'Unsupported content-type "x' }),
      "UNSUPPORTED_MEDIA_TYPE",
    ],
  ] as const)("%s → %s, with a message of ours", (error, reason) => {
    const hiar = toHiarError(error);
    expect(hiar.reason).toBe(reason);
    expect(hiar.httpStatus).toBeLessThan(500);
    // tRPC's message may quote the request; ours never does.
    expect(hiar.message).not.toContain('"x');
  });

  it("finds a HiarError deep in the cause chain (the capped body's, through req.json())", () => {
    const tooLarge = new HiarError("PAYLOAD_TOO_LARGE", "request body is larger than 10 bytes");
    const wrapped = new TRPCError({
      code: "BAD_REQUEST",
      cause: new Error("read failed", { cause: tooLarge }),
    });
    expect(toHiarError(wrapped)).toBe(tooLarge);
  });

  it("keeps a server fault INTERNAL", () => {
    const fault = new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new TypeError("bug") });
    expect(toHiarError(fault).reason).toBe("INTERNAL");
    const output = new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: "Output validation failed",
    });
    expect(toHiarError(output).reason).toBe("INTERNAL");
  });
});
