import { describe, expect, it } from "vitest";
import { isSameOriginRequest } from "./same-origin";

const headers = (values: Record<string, string>) => new Headers(values);

describe("isSameOriginRequest", () => {
  it("accepts an Origin whose host is the request's Host", () => {
    expect(
      isSameOriginRequest(headers({ origin: "http://localhost:3000", host: "localhost:3000" })),
    ).toBe(true);
    expect(
      isSameOriginRequest(headers({ origin: "https://Console.Example", host: "console.example" })),
    ).toBe(true);
  });

  it("uses X-Forwarded-Host behind a proxy", () => {
    expect(
      isSameOriginRequest(
        headers({
          origin: "https://console.example",
          host: "10.0.0.5:3000",
          "x-forwarded-host": "console.example",
        }),
      ),
    ).toBe(true);
  });

  it("refuses another site, another port, an opaque origin and a missing Host", () => {
    expect(
      isSameOriginRequest(headers({ origin: "https://evil.example", host: "console.example" })),
    ).toBe(false);
    expect(
      isSameOriginRequest(headers({ origin: "http://localhost:4000", host: "localhost:3000" })),
    ).toBe(false);
    expect(isSameOriginRequest(headers({ origin: "null", host: "console.example" }))).toBe(false);
    expect(isSameOriginRequest(headers({ origin: "http://console.example" }))).toBe(false);
    expect(isSameOriginRequest(headers({ origin: "not a url", host: "x" }))).toBe(false);
  });

  it("without Origin, trusts only Sec-Fetch-Site: same-origin", () => {
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "same-origin", host: "x" }))).toBe(true);
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "cross-site", host: "x" }))).toBe(false);
    expect(isSameOriginRequest(headers({ host: "x" }))).toBe(false);
  });
});
