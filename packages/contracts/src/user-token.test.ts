import { describe, expect, test } from "vitest";
import { USER_TOKEN_MAX_TTL_SECONDS, UserTokenRequest } from "./user-token";

describe("UserTokenRequest", () => {
  test("defaults: no device, ttl 0 (the server's default)", () => {
    expect(UserTokenRequest.parse({ userID: "bob" })).toEqual({
      userID: "bob",
      deviceID: "",
      ttlSeconds: 0,
    });
  });

  test("a ttl up to 24 h, as a number or a decimal string", () => {
    expect(UserTokenRequest.parse({ userID: "bob", ttlSeconds: "86400" }).ttlSeconds).toBe(
      USER_TOKEN_MAX_TTL_SECONDS,
    );
  });

  test("refuses a missing user, a negative or over-long ttl, an over-long device id", () => {
    for (const body of [
      {},
      { userID: "" },
      { userID: "bob", ttlSeconds: -1 },
      { userID: "bob", ttlSeconds: USER_TOKEN_MAX_TTL_SECONDS + 1 },
      { userID: "bob", deviceID: "d".repeat(65) },
    ]) {
      expect(UserTokenRequest.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });
});
