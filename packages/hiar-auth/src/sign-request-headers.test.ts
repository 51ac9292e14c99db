import { describe, expect, it } from "vitest";
import { DOC } from "./doc-example.fixture";
import {
  HEADER_APP_ID,
  HEADER_APPID_ALIAS,
  HEADER_DATE,
  HEADER_NONCE,
  HEADER_SIGNATURE,
} from "./headers";
import { sign } from "./sign";
import { signRequestHeaders } from "./sign-request-headers";

const NOW = Date.UTC(2022, 6, 5, 9, 46, 33, 250);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("signRequestHeaders", () => {
  it("reproduces the doc's example when given its nonce and a path + query", () => {
    const headers = signRequestHeaders({
      appId: DOC.appId,
      secret: DOC.secret,
      method: "GET",
      path: DOC.path,
      query: DOC.query,
      now: NOW,
      nonce: DOC.nonce,
    });
    expect(headers).toEqual({
      [HEADER_APP_ID]: DOC.appId,
      [HEADER_NONCE]: DOC.nonce,
      [HEADER_DATE]: "2022-07-05T09:46:33Z",
      // The doc's form: method lower case, query as sent, over our UTC date.
      [HEADER_SIGNATURE]: sign({ ...DOC, date: "2022-07-05T09:46:33Z" }),
      [HEADER_APPID_ALIAS]: DOC.appId,
    });
  });

  it("generates a fresh UUID v4 nonce and a current UTC date by default", () => {
    const a = signRequestHeaders({ appId: "app", secret: "s", method: "post", path: "/x" });
    const b = signRequestHeaders({ appId: "app", secret: "s", method: "post", path: "/x" });
    expect(a[HEADER_NONCE]).toMatch(UUID_V4);
    expect(a[HEADER_NONCE]).not.toBe(b[HEADER_NONCE]);
    expect(a[HEADER_DATE]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Math.abs(Date.parse(a[HEADER_DATE]) - Date.now())).toBeLessThan(5_000);
  });

  it("signs the path and query of a URL as fetch will send them", () => {
    const base = { appId: "app", secret: "s", method: "GET", now: NOW, nonce: "n" } as const;
    const fromUrl = signRequestHeaders({
      ...base,
      url: "https://openapi.example/leliaRTC/a b?q=x y&z=1#frag",
    });
    const fromParts = signRequestHeaders({
      ...base,
      path: "/leliaRTC/a%20b",
      query: "q=x%20y&z=1",
    });
    expect(fromUrl).toEqual(fromParts);
    expect(signRequestHeaders({ ...base, url: new URL("http://h/p?a=1") })).toEqual(
      signRequestHeaders({ ...base, path: "/p", query: "a=1" }),
    );
  });

  it("refuses a path that carries a query, and malformed ids", () => {
    const base = { secret: "s", method: "GET" } as const;
    expect(() => signRequestHeaders({ ...base, appId: "app", path: "/p?a=1" })).toThrow(RangeError);
    expect(() => signRequestHeaders({ ...base, appId: "a b", path: "/p" })).toThrow(RangeError);
    expect(() => signRequestHeaders({ ...base, appId: "a", path: "/p", nonce: "x\ny" })).toThrow(
      RangeError,
    );
  });
});
