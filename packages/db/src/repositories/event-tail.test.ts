import { describe, expect, it } from "vitest";
import { TailMemberCache } from "./event-tail";

const members = (...ids: string[]) => ({ ids, joinedUs: ids.map((_, i) => i) });

describe("TailMemberCache", () => {
  it("names the most recently read sessions to a read, at most sentPerRead", () => {
    const cache = new TailMemberCache(10, 2);
    cache.set("app", "s1", members("a"));
    cache.set("app", "s2", members("b"));
    cache.set("other", "s3", members("c"));
    const known = cache.known();
    expect(known.appIds).toEqual(["other", "app"]);
    expect(known.sessionIds).toEqual(["s3", "s2"]);
    expect(known.members.size).toBe(2);
  });

  it("forgets the least recently read session beyond its capacity", () => {
    const cache = new TailMemberCache(2, 2);
    cache.set("app", "s1", members("a"));
    cache.set("app", "s2", members("b"));
    // s1 read again: s2 is now the least recent.
    cache.set("app", "s1", members("a", "d"));
    cache.set("app", "s3", members("c"));
    expect(cache.size).toBe(2);
    expect(cache.known().sessionIds).toEqual(["s3", "s1"]);
    expect([...cache.known().members.values()].map((m) => m.ids)).toEqual([["c"], ["a", "d"]]);
  });
});
