import { describe, expect, it } from "vitest";
import { isDatabaseUnavailableError } from "./unavailable";

describe("isDatabaseUnavailableError", () => {
  it.each([
    [
      "a refused connection",
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    ],
    ["Prisma's unreachable server", Object.assign(new Error("x"), { code: "P1001" })],
    [
      "an adapter error kind",
      Object.assign(new Error("x"), { cause: { kind: "DatabaseNotReachable" } }),
    ],
    ["a connection exception SQLSTATE", Object.assign(new Error("x"), { code: "08006" })],
    ["an admin shutdown", Object.assign(new Error("x"), { code: "57P01" })],
    [
      "Prisma's wrapper of a terminated connection",
      Object.assign(new Error("Database error. Code: `57P01`"), {
        code: "P2039",
        meta: { driverAdapterError: { name: "DriverAdapterError", cause: { code: "57P01" } } },
      }),
    ],
    [
      "a database closed to connections",
      Object.assign(new Error('database "app" is not currently accepting connections'), {
        code: "55000",
      }),
    ],
    [
      "a pool that found no connection in time",
      new Error("timeout exceeded when trying to connect"),
    ],
    ["a statement the server never answered", new Error("Query read timeout")],
    [
      "a wrapped cause",
      new Error("outer", { cause: Object.assign(new Error("inner"), { code: "ECONNRESET" }) }),
    ],
  ])("recognises %s", (_, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(true);
  });

  it.each([
    ["a unique violation", Object.assign(new Error("x"), { code: "P2002" })],
    ["a syntax error SQLSTATE", Object.assign(new Error("x"), { code: "42601" })],
    ["a plain error", new Error("boom")],
    ["a non-error", "ECONNREFUSED"],
    ["null", null],
  ])("does not mistake %s", (_, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(false);
  });

  it("terminates on a cyclic cause chain", () => {
    const a = new Error("a") as Error & { cause?: unknown };
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(isDatabaseUnavailableError(a)).toBe(false);
  });
});
