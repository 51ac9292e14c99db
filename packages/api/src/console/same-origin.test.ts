import { describe, expect, it } from "vitest";
import { isSameOriginRequest, requestOrigin } from "./same-origin";

const headers = (values: Record<string, string>) => new Headers(values);

describe("isSameOriginRequest", () => {
  it("accepts an Origin whose scheme and host are the request's", () => {
    expect(
      isSameOriginRequest(
        headers({
          origin: "http://localhost:3000",
          "x-forwarded-proto": "http",
          "x-forwarded-host": "localhost:3000",
        }),
      ),
    ).toBe(true);
    expect(
      isSameOriginRequest(
        headers({
          origin: "https://Console.Example",
          "x-forwarded-proto": "https",
          "x-forwarded-host": "console.example:443",
        }),
      ),
    ).toBe(true);
    // Without the forwarded headers: the Host header and the request URL's scheme.
    expect(
      isSameOriginRequest(
        headers({ origin: "http://localhost:3000", host: "localhost:3000" }),
        "http://localhost:3000/api/trpc/auth.signIn",
      ),
    ).toBe(true);
  });

  it("compares the scheme too: an http page may not act on the https console, nor the reverse", () => {
    const request = { "x-forwarded-proto": "https", "x-forwarded-host": "console.example" };
    expect(isSameOriginRequest(headers({ ...request, origin: "http://console.example" }))).toBe(
      false,
    );
    expect(
      isSameOriginRequest(
        headers({ origin: "https://localhost:3000", host: "localhost:3000" }),
        "http://localhost:3000/api/trpc/auth.signIn",
      ),
    ).toBe(false);
    expect(
      isSameOriginRequest(
        headers({
          origin: "https://localhost:3000",
          host: "localhost:3000",
          "x-forwarded-proto": "http",
        }),
      ),
    ).toBe(false);
  });

  it("takes the request's origin from X-Forwarded-Proto and X-Forwarded-Host, as resolved", () => {
    expect(
      isSameOriginRequest(
        headers({
          origin: "https://console.example",
          host: "10.0.0.5:3000",
          "x-forwarded-host": "console.example",
          "x-forwarded-proto": "https",
        }),
        "http://10.0.0.5:3000/api/trpc/auth.signIn",
      ),
    ).toBe(true);
    expect(
      requestOrigin(
        headers({ "x-forwarded-host": "Console.Example:8443", "x-forwarded-proto": "HTTPS" }),
      ),
    ).toBe("https://console.example:8443");
  });

  it("refuses another site, another port, an opaque origin and an unknown request origin", () => {
    const request = { "x-forwarded-proto": "https", "x-forwarded-host": "console.example" };
    expect(isSameOriginRequest(headers({ ...request, origin: "https://evil.example" }))).toBe(
      false,
    );
    expect(
      isSameOriginRequest(headers({ ...request, origin: "https://console.example:8443" })),
    ).toBe(false);
    expect(isSameOriginRequest(headers({ ...request, origin: "null" }))).toBe(false);
    expect(isSameOriginRequest(headers({ ...request, origin: "not a url" }))).toBe(false);
    // No host, no scheme, or a Host header that is more than a host.
    expect(isSameOriginRequest(headers({ origin: "http://console.example" }))).toBe(false);
    expect(
      isSameOriginRequest(headers({ origin: "http://console.example", host: "console.example" })),
    ).toBe(false);
    expect(
      isSameOriginRequest(
        headers({
          origin: "https://console.example",
          "x-forwarded-proto": "https",
          "x-forwarded-host": "console.example/@evil.example",
        }),
      ),
    ).toBe(false);
    expect(
      isSameOriginRequest(
        headers({
          origin: "ftp://console.example",
          "x-forwarded-proto": "ftp",
          "x-forwarded-host": "console.example",
        }),
      ),
    ).toBe(false);
  });

  it("without Origin, trusts only Sec-Fetch-Site: same-origin", () => {
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "same-origin", host: "x" }))).toBe(true);
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "cross-site", host: "x" }))).toBe(false);
    expect(isSameOriginRequest(headers({ host: "x" }))).toBe(false);
  });
});
