import { describe, expect, it } from "vitest";
import { toHiarError } from "../errors";
import { StreamSlots } from "./stream-slots";

describe("StreamSlots", () => {
  it("bounds open streams per app and per process, and frees a slot on release", () => {
    const slots = new StreamSlots({ perApp: 2, total: 3 });
    const a1 = slots.acquire("a");
    slots.acquire("a");
    const refusal = (() => {
      try {
        slots.acquire("a");
        return null;
      } catch (error) {
        return toHiarError(error);
      }
    })();
    expect(refusal?.reason).toBe("RATE_LIMITED");
    expect(refusal?.message).toContain("at most 2");
    const b1 = slots.acquire("b");
    expect(() => slots.acquire("c")).toThrow(/too many live streams on this server/);
    expect(slots.total).toBe(3);

    a1();
    a1(); // idempotent
    expect(slots.openFor("a")).toBe(1);
    expect(slots.total).toBe(2);
    slots.acquire("c");
    b1();
    expect(slots.openFor("b")).toBe(0);
  });
});
