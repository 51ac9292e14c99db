import { describe, expect, it } from "vitest";
import { requestsFor } from "./run-case";

describe("requestsFor", () => {
  it("gives a paced case room for autocannon's overshoot", () => {
    // Observed: a 20 s case at 252 req/s sent 5,073 requests.
    expect(requestsFor(5, 20, 252)).toBeGreaterThanOrEqual(5_073);
    // Observed: a 2 s case at 498 req/s sent 1,073, each of its 32 connections building one more.
    expect(requestsFor(5, 2, 498)).toBeGreaterThanOrEqual(1_073 + 32);
  });

  it("plans a flat-out case at the capacity ceiling", () => {
    expect(requestsFor(1, 20, null)).toBe(100_000);
    expect(requestsFor(100, 20, null)).toBe(16_000);
  });
});
