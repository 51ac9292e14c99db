import { describe, expect, it } from "vitest";
import { checkDateWindow } from "./date-window";

const NOW = Date.UTC(2022, 6, 5, 9, 46, 33);
const s = 1000;

describe("checkDateWindow", () => {
  it.each([0, 300, -300])("accepts a date %i s from now (edges included)", (offset) => {
    expect(checkDateWindow(NOW + offset * s, NOW)).toEqual({ ok: true });
  });

  it.each([301, -301])("refuses a date %i s from now", (offset) => {
    const r = checkDateWindow(NOW + offset * s, NOW);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.reason).toBe("REQUEST_EXPIRED");
  });

  it("refuses a date a millisecond beyond the edge", () => {
    expect(checkDateWindow(NOW + 300 * s + 1, NOW).ok).toBe(false);
    expect(checkDateWindow(NOW - 300 * s - 1, NOW).ok).toBe(false);
  });

  it("honours a configured window and accepts Date objects", () => {
    expect(checkDateWindow(new Date(NOW + 60 * s), new Date(NOW), 60).ok).toBe(true);
    expect(checkDateWindow(NOW + 61 * s, NOW, 60).ok).toBe(false);
  });

  it("rejects a non-positive window as a programming error", () => {
    expect(() => checkDateWindow(NOW, NOW, 0)).toThrow(RangeError);
    expect(() => checkDateWindow(NOW, NOW, Number.NaN)).toThrow(RangeError);
  });
});
