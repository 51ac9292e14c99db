import { describe, expect, it } from "vitest";
import { UsageRecorder } from "./usage";

const quiet = { warn() {} };
const at = (iso: string) => new Date(iso);

describe("UsageRecorder", () => {
  it("adds each app's requests and refusals per UTC day in one batch", async () => {
    const batches: unknown[][] = [];
    const usage = new UsageRecorder(async (rows) => void batches.push([...rows]), quiet);
    usage.record("app-a", false, at("2026-12-05T23:59:59Z"));
    usage.record("app-a", true, at("2026-12-05T10:00:00Z"));
    usage.record("app-a", false, at("2026-12-06T00:00:01Z"));
    usage.record("app-b", true, at("2026-12-05T12:00:00Z"));
    await usage.flush();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toEqual(
      expect.arrayContaining([
        { appId: "app-a", day: "2026-12-05", requests: 2, errors: 1 },
        { appId: "app-a", day: "2026-12-06", requests: 1, errors: 0 },
        { appId: "app-b", day: "2026-12-05", requests: 1, errors: 1 },
      ]),
    );
    await usage.flush();
    expect(batches).toHaveLength(1); // nothing pending: no statement
  });

  it("keeps the counts when the database refuses them, and adds them with the next flush", async () => {
    let down = true;
    const saved: { requests: number }[] = [];
    const warnings: string[] = [];
    const usage = new UsageRecorder(
      async (rows) => {
        if (down) throw new Error("connection refused");
        saved.push(...rows);
      },
      { warn: (_obj: unknown, msg?: string) => void warnings.push(msg ?? "") },
    );
    usage.record("app-a", false);
    await usage.flush();
    usage.record("app-a", false);
    down = false;
    await usage.close();
    expect(saved).toEqual([expect.objectContaining({ appId: "app-a", requests: 2 })]);
    expect(warnings).toHaveLength(1);
  });
});
