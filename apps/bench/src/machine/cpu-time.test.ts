import { describe, expect, it } from "vitest";
import { cpuMsBetween, ENDED } from "./cpu-time";

describe("cpuMsBetween", () => {
  it("counts what each process used, and a new one in full", () => {
    const before = new Map([[10, 100]]);
    const after = new Map([
      [10, 150],
      [11, 20],
    ]);
    expect(cpuMsBetween(before, after)).toBe(70);
  });

  it("with an ENDED entry, counts an ended backend's use since `before` only", () => {
    // Backend 10 ended having used 180 ms in all (100 by `before`); 11 started and ended (30 ms).
    const before = new Map([
      [10, 100],
      [12, 5],
      [ENDED, 1_000],
    ]);
    const after = new Map([
      [12, 45],
      [ENDED, 1_000 + 180 + 30],
    ]);
    expect(cpuMsBetween(before, after)).toBe(80 + 30 + 40);
  });

  it("without that entry, an ended process's use is lost, never negative", () => {
    const before = new Map([
      [10, 100],
      [12, 5],
    ]);
    expect(cpuMsBetween(before, new Map([[12, 45]]))).toBe(40);
  });
});
