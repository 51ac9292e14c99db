import { describe, expect, it } from "vitest";
import { effectiveCallingTimeoutSeconds, MAX_CALLING_TIMEOUT_SECONDS } from "./calling-timeout";

describe("effectiveCallingTimeoutSeconds", () => {
  it("the collaboration's own timeout when set, else the deployment's", () => {
    expect(effectiveCallingTimeoutSeconds(1, 3600)).toBe(1);
    expect(effectiveCallingTimeoutSeconds(90, 1.5)).toBe(90);
    expect(effectiveCallingTimeoutSeconds(0, 3600)).toBe(3600);
  });

  it("one upper bound for both: a day", () => {
    expect(MAX_CALLING_TIMEOUT_SECONDS).toBe(86_400);
  });
});
