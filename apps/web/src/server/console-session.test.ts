import { loadSettings } from "@collab/settings";
import { describe, expect, it } from "vitest";
import { consoleSessionConfig, consoleSessionProblem } from "./console-session";

const KEY = "k".repeat(32);

describe("the console's session settings", () => {
  it("use CONSOLE_SESSION_SECRET, Secure everywhere but development", () => {
    const settings = loadSettings({ NODE_ENV: "production", CONSOLE_SESSION_SECRET: ` ${KEY} ` });
    expect(consoleSessionConfig(settings)).toEqual({ key: KEY, secure: true });
    expect(consoleSessionProblem(settings)).toBe(null);
  });

  it("disable sign-in in production without the secret, instead of throwing", () => {
    for (const secret of [undefined, "", "   "]) {
      const settings = loadSettings({ NODE_ENV: "production", CONSOLE_SESSION_SECRET: secret });
      expect(consoleSessionProblem(settings)).toBe(
        "Console sign-in is disabled: CONSOLE_SESSION_SECRET is not set on the server.",
      );
      expect(consoleSessionConfig(settings)).toMatchObject({
        key: null,
        disabledReason: expect.stringMatching(/^Console sign-in is disabled/),
        secure: true,
      });
    }
  });

  it("generate one key per process in development and tests", () => {
    const dev = consoleSessionConfig(loadSettings({ NODE_ENV: "development" }));
    expect(dev.secure).toBe(false);
    expect(dev.key).toMatch(/^[\w-]{43}$/);
    expect(consoleSessionConfig(loadSettings({ NODE_ENV: "test" })).key).toBe(dev.key);
    expect(consoleSessionProblem(loadSettings({ NODE_ENV: "development" }))).toBeNull();
  });
});
