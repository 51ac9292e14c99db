import { HIAR_OPERATIONS } from "@collab/contracts";
import { describe, expect, it } from "vitest";
import { operationUrl } from "./attempt";
import { createHiarClient } from "./client";

// Construction rules. Behaviour on the wire is tested against the real server
// (apps/web/test/sdk.integration-test.ts).

const options = { baseUrl: "http://127.0.0.1:3000", appId: "hiar0123456789abcdef", secret: "s" };

describe("createHiarClient", () => {
  it("has one method per operation of the registry", () => {
    const client = createHiarClient(options);
    for (const name of Object.keys(HIAR_OPERATIONS)) {
      expect(typeof (client as unknown as Record<string, unknown>)[name]).toBe("function");
    }
    expect(client.appId).toBe(options.appId);
  });

  it("refuses bad options at once", () => {
    expect(() => createHiarClient({ ...options, baseUrl: "localhost:3000" })).toThrow(/baseUrl/);
    expect(() => createHiarClient({ ...options, baseUrl: "ftp://x" })).toThrow(/baseUrl/);
    expect(() => createHiarClient({ ...options, appId: "" })).toThrow(/appId/);
    expect(() => createHiarClient({ ...options, secret: "" })).toThrow(/secret/);
    expect(() => createHiarClient({ ...options, retries: -1 })).toThrow(/retries/);
    expect(() => createHiarClient({ ...options, timeoutMs: 1.5 })).toThrow(/timeoutMs/);
  });
});

describe("operationUrl", () => {
  it("appends the operation's path to the base URL, keeping a prefix", () => {
    const at = (base: string) => operationUrl(new URL(base), "/session/invite").toString();
    expect(at("http://h:1")).toBe("http://h:1/session/invite");
    expect(at("http://h:1/")).toBe("http://h:1/session/invite");
    expect(at("https://h/leliaRTC")).toBe("https://h/leliaRTC/session/invite");
    expect(at("https://h/leliaRTC/?x=1#y")).toBe("https://h/leliaRTC/session/invite");
  });
});
