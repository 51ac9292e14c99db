import { describe, expect, it } from "vitest";
import { splitRequestTarget } from "./request-target";

describe("splitRequestTarget", () => {
  it("splits a raw request-target at the first '?' without normalising", () => {
    expect(splitRequestTarget("/session/invite")).toEqual({
      path: "/session/invite",
      rawQuery: "",
    });
    expect(splitRequestTarget("/a%2Fb?x=a+b&y=%7e?z")).toEqual({
      path: "/a%2Fb",
      rawQuery: "x=a+b&y=%7e?z",
    });
    expect(splitRequestTarget("/p?")).toEqual({ path: "/p", rawQuery: "" });
    expect(splitRequestTarget("/p?a=1#f")).toEqual({ path: "/p", rawQuery: "a=1" });
  });

  it("splits a URL object into pathname and search", () => {
    expect(splitRequestTarget(new URL("http://h/leliaRTC/p?b=2&a=1"))).toEqual({
      path: "/leliaRTC/p",
      rawQuery: "b=2&a=1",
    });
  });
});
