import { describe, expect, it } from "vitest";
import { getHeader, HEADER_APP_ID } from "./headers";

describe("getHeader", () => {
  it("finds a header in a record whatever its case", () => {
    expect(getHeader({ "x-hiar-openapi-appid": "a1" }, HEADER_APP_ID)).toBe("a1");
    expect(getHeader({ "X-Hiar-OpenAPI-AppId": "a1" }, "x-hiar-openapi-appid")).toBe("a1");
  });

  it("finds a header in a Headers object whatever its case", () => {
    expect(getHeader(new Headers({ "X-HIAR-OPENAPI-APPID": "a1" }), "x-hiar-openapi-appid")).toBe(
      "a1",
    );
  });

  it("is undefined when absent", () => {
    expect(getHeader({ other: "x" }, HEADER_APP_ID)).toBeUndefined();
    expect(getHeader({ [HEADER_APP_ID]: undefined }, HEADER_APP_ID)).toBeUndefined();
    expect(getHeader(new Headers(), HEADER_APP_ID)).toBeUndefined();
  });

  it("trims and joins repeated values like Headers does", () => {
    expect(getHeader({ trace: [" a ", "b"] }, "trace")).toBe("a, b");
    expect(getHeader({ trace: "a", TRACE: "b" }, "trace")).toBe("a, b");
    const h = new Headers();
    h.append("trace", "a");
    h.append("Trace", "b");
    expect(getHeader(h, "trace")).toBe("a, b");
  });
});
