import { HiarError } from "@collab/contracts";
import { describe, expect, it } from "vitest";
import { assertSessionTarget } from "./targets";

const ids = { collaborationID: "c".repeat(32), sessionID: "d".repeat(32) };

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HiarError);
    return (error as HiarError).reason;
  }
  return undefined;
}

describe("assertSessionTarget", () => {
  const start = { state: "COLLABORATION_START" as const };
  const scheduled = { state: "SESSION_SCHEDULE" as const };

  it("NOT_FOUND for a missing collaboration or session, naming the field", () => {
    const missing = (t: Parameters<typeof assertSessionTarget>[0]) => {
      try {
        assertSessionTarget(t, ids);
      } catch (error) {
        return [(error as HiarError).reason, (error as HiarError).field];
      }
      return undefined;
    };
    expect(missing({ collaboration: null, session: null })).toStrictEqual([
      "NOT_FOUND",
      "collaborationID",
    ]);
    expect(missing({ collaboration: start, session: null })).toStrictEqual([
      "NOT_FOUND",
      "sessionID",
    ]);
    expect(missing({ collaboration: start, session: scheduled })).toBeUndefined();
  });

  it("INVALID_STATE when the session or the collaboration has ended", () => {
    expect(
      reason(() =>
        assertSessionTarget({ collaboration: start, session: { state: "SESSION_END" } }, ids),
      ),
    ).toBe("INVALID_STATE");
    expect(
      reason(() =>
        assertSessionTarget(
          { collaboration: { state: "COLLABORATION_END" }, session: scheduled },
          ids,
        ),
      ),
    ).toBe("INVALID_STATE");
    expect(
      reason(() =>
        assertSessionTarget({ collaboration: start, session: { state: "SESSION_START" } }, ids),
      ),
    ).toBeUndefined();
  });
});
