import { describe, expect, it } from "vitest";
import { MAX_READ_GAP_MS, MIN_READ_GAP_MS, readGapMs } from "./user-event-hub";

// The tail's read gap (docs/user-channel.md, "Latency and instances"): the minimum while reads
// bring little, growing with the events a read brought, never past the maximum.

describe("readGapMs", () => {
  it("keeps reads MIN_READ_GAP_MS apart when they bring nothing, and grows with the load", () => {
    expect(readGapMs(0)).toBe(MIN_READ_GAP_MS);
    const gaps = [1, 10, 20, 50, 99].map(readGapMs);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1] as number);
    // 100 invites/s of one invitee: ~20 events a read, a ring waits little more than at idle.
    expect(readGapMs(20)).toBeLessThanOrEqual(MIN_READ_GAP_MS + 25);
  });

  it("never waits longer than MAX_READ_GAP_MS", () => {
    expect(readGapMs(100)).toBe(MAX_READ_GAP_MS);
    expect(readGapMs(499)).toBe(MAX_READ_GAP_MS);
  });
});
