import { describe, expect, it } from "vitest";
import { toHiarError } from "../errors";
import { limitRequestBody } from "./request-body";

const post = (body: string, headers: Record<string, string> = {}) =>
  new Request("http://console.example/api/trpc/auth.signIn", { method: "POST", body, headers });

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return toHiarError(error).reason;
  }
}

describe("limitRequestBody", () => {
  it("passes a body within the limit through unchanged, headers included", async () => {
    const request = limitRequestBody(post('{"a":1}', { "content-type": "application/json" }), 7);
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(await request.json()).toEqual({ a: 1 });
  });

  it("fails with PAYLOAD_TOO_LARGE past the limit, whatever Content-Length says", async () => {
    expect(await reason(limitRequestBody(post("x".repeat(8)), 7).text())).toBe("PAYLOAD_TOO_LARGE");
    // A streamed body has no Content-Length: counted as it arrives.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(1000));
        controller.close();
      },
    });
    const streamed = new Request("http://x/", {
      method: "POST",
      body: chunks,
      duplex: "half",
    } as RequestInit);
    expect(await reason(limitRequestBody(streamed, 5_000).arrayBuffer())).toBe("PAYLOAD_TOO_LARGE");
  });

  it("refuses at once when Content-Length is over the limit, reading nothing", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(10));
      },
    });
    const request = new Request("http://x/", {
      method: "POST",
      body,
      headers: { "content-length": "1000000" },
      duplex: "half",
    } as RequestInit);
    expect(await reason(limitRequestBody(request, 100).text())).toBe("PAYLOAD_TOO_LARGE");
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("returns a request without a body as it is", () => {
    const get = new Request("http://x/api/trpc/auth.me");
    expect(limitRequestBody(get, 1)).toBe(get);
  });
});
