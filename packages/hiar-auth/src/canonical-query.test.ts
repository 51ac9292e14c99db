import { describe, expect, it } from "vitest";
import { canonicalQuery } from "./canonical-query";

describe("canonicalQuery", () => {
  it("is empty for no query", () => {
    expect(canonicalQuery("")).toBe("");
  });

  it("sorts keys ascending", () => {
    expect(canonicalQuery("page=1&limit=10")).toBe("limit=10&page=1");
    expect(canonicalQuery("c=3&a=1&b=2")).toBe("a=1&b=2&c=3");
  });

  it("orders a repeated key by value, keeping it after shorter keys it prefixes", () => {
    expect(canonicalQuery("id=b&id=a&x=0&id=c")).toBe("id=a&id=b&id=c&x=0");
    // Key first, then value: "a" sorts before "a.b" although "a=" > "a." as whole strings.
    expect(canonicalQuery("a.b=1&a=2")).toBe("a=2&a.b=1");
  });

  it("compares by code unit, not locale", () => {
    expect(canonicalQuery("b=1&B=2&a=3")).toBe("B=2&a=3&b=1");
  });

  it("keeps percent-encoding exactly as sent", () => {
    expect(canonicalQuery("q=a%20b&p=%7E&o=a+b")).toBe("o=a+b&p=%7E&q=a%20b");
  });

  it("writes a bare key as key= and drops empty segments", () => {
    expect(canonicalQuery("flag&a=1&&b=&")).toBe("a=1&b=&flag=");
  });

  it("splits each pair at its first '='", () => {
    expect(canonicalQuery("b=x=y&a=1")).toBe("a=1&b=x=y");
  });
});
