import { MEMBER_SESSION_STATES, type SessionEventView } from "@collab/contracts";
import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import zhCN from "../../messages/zh-CN.json";
import { describeEvent, formatTime, memberStateLook, parseIntList, shortId } from "./labels";

const t = createTranslator({ locale: "en", messages: en });
const zh = createTranslator({ locale: "zh-CN", messages: zhCN });

const event = (overrides: Partial<SessionEventView>): SessionEventView => ({
  seq: 1,
  type: "member.invited",
  actorID: "alice",
  subjectID: "bob",
  fromState: null,
  toState: "MEMBER_CALLING",
  traceID: "t1",
  createdAt: "2026-01-01T12:00:00.000Z",
  outcome: "added",
  reason: null,
  extra: null,
  ...overrides,
});

describe("state looks", () => {
  it("gives every member state its own label", () => {
    for (const translate of [t, zh]) {
      const labels = MEMBER_SESSION_STATES.map((s) => memberStateLook(s, translate).label);
      expect(new Set(labels).size).toBe(MEMBER_SESSION_STATES.length);
    }
    expect(memberStateLook("MEMBER_CALLING", t).label).toBe("Ringing");
    expect(memberStateLook("MEMBER_CALLING", zh).label).toBe("呼叫中");
    expect(memberStateLook("MEMBER_TALKING", zh).label).toBe("通话中");
    expect(memberStateLook("MEMBER_FUTURE", t).label).toBe("MEMBER_FUTURE");
  });
});

describe("describeEvent", () => {
  it("says who did what to whom", () => {
    expect(describeEvent(event({}), t)).toBe("alice invited bob");
    expect(describeEvent(event({ type: "member.rung_again" }), t)).toBe("alice rang bob again");
    expect(describeEvent(event({ type: "session.created", subjectID: null }), t)).toBe(
      "alice created the session",
    );
    expect(describeEvent(event({ type: "member.added", toState: "MEMBER_UNSPECIFIED" }), t)).toBe(
      "alice added bob",
    );
    const cancelled = event({
      type: "member.cancelled",
      fromState: "MEMBER_CALLING",
      toState: "MEMBER_LEFT",
    });
    expect(describeEvent(cancelled, t)).toBe("alice cancelled the ring to bob");
    expect(describeEvent(cancelled, zh)).toBe("alice 取消了对 bob 的呼叫");
  });

  it("still describes event types it does not know, and server actions", () => {
    expect(
      describeEvent(event({ type: "member.timeout", actorID: null, toState: "MEMBER_TIMEOUT" }), t),
    ).toBe("bob: No answer");
    expect(describeEvent(event({ type: "member.kicked", toState: "MEMBER_KICKOUT" }), t)).toBe(
      "bob: Removed (by alice)",
    );
    expect(describeEvent(event({ type: "member.accepted", actorID: "bob" }), t)).toBe(
      "bob: Ringing",
    );
    expect(describeEvent(event({ type: "session.ended", subjectID: null, toState: null }), t)).toBe(
      "alice: session.ended",
    );
  });

  it("speaks Chinese with the Chinese catalogue", () => {
    expect(describeEvent(event({}), zh)).toBe("alice 邀请了 bob");
    expect(describeEvent(event({ type: "member.kicked", toState: "MEMBER_KICKOUT" }), zh)).toBe(
      "bob：已移出（由 alice）",
    );
  });
});

describe("formatting", () => {
  it("renders instants in the viewer's zone and keeps unparseable text", () => {
    expect(formatTime("2026-01-01T12:00:00.000Z")).toMatch(/2026/);
    expect(formatTime("not a time")).toBe("not a time");
    expect(formatTime("2026-01-01T12:00:00.000Z", "short", "zh-CN")).toMatch(/2026年1月1日/);
  });

  it("shortens long ids only", () => {
    expect(shortId("f1fe8ecdc0a3481a8cb84bee63204965")).toBe("f1fe8ecd…4965");
    expect(shortId("short")).toBe("short");
  });

  it("parses role lists, refusing anything but int32s", () => {
    expect(parseIntList("")).toEqual([]);
    expect(parseIntList("1, 2 3,,4")).toEqual([1, 2, 3, 4]);
    expect(parseIntList("-1")).toEqual([-1]);
    expect(parseIntList("1.5")).toBeNull();
    expect(parseIntList("a")).toBeNull();
    expect(parseIntList("2147483648")).toBeNull();
  });
});
