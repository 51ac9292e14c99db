import { describe, expect, it } from "vitest";
import { consoleSessionConfig, consoleSessionProblem } from "./console-session";

const KEY = "k".repeat(32);

describe("the console's session settings", () => {
  it("use CONSOLE_SESSION_SECRET, Secure everywhere but development", () => {
    expect(
      consoleSessionConfig({ NODE_ENV: "production", CONSOLE_SESSION_SECRET: ` ${KEY} ` }),
    ).toEqual({ key: KEY, secure: true });
    expect(consoleSessionProblem({ NODE_ENV: "production", CONSOLE_SESSION_SECRET: KEY })).toBe(
      null,
    );
  });

  it("disable sign-in in production without the secret, or with a short one, instead of throwing", () => {
    for (const secret of [undefined, "", "   "]) {
      const env = { NODE_ENV: "production", CONSOLE_SESSION_SECRET: secret };
      expect(consoleSessionProblem(env)).toBe(
        "Console sign-in is disabled: CONSOLE_SESSION_SECRET is not set on the server.",
      );
      expect(consoleSessionConfig(env)).toMatchObject({ key: null, secure: true });
    }
    const short = { NODE_ENV: "production", CONSOLE_SESSION_SECRET: "short" };
    expect(consoleSessionProblem(short)).toMatch(/at least 32 characters/);
    expect(consoleSessionConfig(short)).toMatchObject({
      key: null,
      disabledReason: expect.stringMatching(/^Console sign-in is disabled/),
    });
  });

  it("generate one key per process in development and tests", () => {
    const dev = consoleSessionConfig({ NODE_ENV: "development" });
    expect(dev.secure).toBe(false);
    expect(dev.key).toMatch(/^[\w-]{43}$/);
    expect(consoleSessionConfig({ NODE_ENV: "test" }).key).toBe(dev.key);
    expect(consoleSessionProblem({ NODE_ENV: "development" })).toBeNull();
  });
});
