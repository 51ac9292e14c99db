import { CONSOLE_ENDPOINT_LIMITS } from "@collab/api";
import { describe, expect, it } from "vitest";
import { CONSOLE_BATCH_MAX_ITEMS } from "./endpoint";

describe("the console client's batches", () => {
  it("never hold more calls than the endpoint accepts", () => {
    expect(CONSOLE_BATCH_MAX_ITEMS).toBeLessThanOrEqual(CONSOLE_ENDPOINT_LIMITS.maxBatchSize);
  });
});
