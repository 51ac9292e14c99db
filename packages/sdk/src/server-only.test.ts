import { afterEach, describe, expect, it } from "vitest";
import { createHiarClient } from "./client";
import { assertServerSide, isBrowserLike, SERVER_ONLY_MESSAGE } from "./server-only";

const options = { baseUrl: "http://127.0.0.1:1", appId: "hiar0123456789abcdef", secret: "s" };

describe("server side only", () => {
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window;
  });

  it("recognises browsers and web workers", () => {
    expect(isBrowserLike({})).toBe(false);
    expect(isBrowserLike({ window: {} })).toBe(true);
    expect(isBrowserLike({ document: {} })).toBe(true);
    expect(isBrowserLike({ importScripts: () => {} })).toBe(true);
    expect(() => assertServerSide({ window: {} })).toThrow(SERVER_ONLY_MESSAGE);
  });

  it("runs on Node and refuses to start in a browser", () => {
    expect(() => createHiarClient(options)).not.toThrow();
    (globalThis as { window?: unknown }).window = {};
    expect(() => createHiarClient(options)).toThrow(/servers only.*secret/);
  });
});
