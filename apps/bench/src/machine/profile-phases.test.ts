import { describe, expect, it } from "vitest";
import { type CpuProfile, categoryOf, cpuByPhase, phaseTable } from "./profile-phases";

const frame = (functionName: string, url = "") => ({ functionName, url });

// Samples 1 ms apart from t = 1,000 µs: prisma, gc, idle, prisma, route.
const profile: CpuProfile = {
  nodes: [
    {
      id: 1,
      callFrame: frame(
        "query",
        "file:///w/node_modules/.pnpm/@prisma+client@7/node_modules/@prisma/client/runtime.js",
      ),
    },
    { id: 2, callFrame: frame("(garbage collector)") },
    { id: 3, callFrame: frame("(idle)") },
    { id: 4, callFrame: frame("answerRest", "file:///w/apps/web/.next/server/chunk.js") },
  ],
  startTime: 1_000,
  samples: [1, 2, 3, 1, 4],
  timeDeltas: [1_000, 1_000, 1_000, 1_000, 1_000],
};

describe("cpuByPhase", () => {
  it("adds each window's samples by category, without idle time", () => {
    const [first, second] = cpuByPhase(profile, [
      { name: "a", fromUs: 2_000, toUs: 4_500, requests: 2 },
      { name: "b", fromUs: 4_500, toUs: 7_000, requests: 1 },
    ]);
    expect(first?.busyMs).toBe(2);
    expect(Object.fromEntries(first?.byCategory ?? [])).toEqual({
      "@prisma/client": 1,
      "(garbage collector)": 1,
    });
    expect(second?.busyMs).toBe(2);
    expect(Object.fromEntries(second?.byCategory ?? [])).toEqual({
      "@prisma/client": 1,
      "apps/web": 1,
    });
    // Per request: a's 2 ms over 2 requests, b's over 1.
    expect(phaseTable([first, second].filter((p) => p !== undefined))[1]).toMatch(
      /all\s+1000\s+2000$/,
    );
  });
});

describe("categoryOf", () => {
  it("names packages, Node's modules and V8's pseudo-frames", () => {
    expect(categoryOf(frame("f", "file:///x/node_modules/pg/lib/client.js"))).toBe("pg");
    expect(categoryOf(frame("f", "node:internal/streams/writable"))).toBe("node:internal");
    expect(categoryOf(frame("writev"))).toBe("writev");
    expect(categoryOf(frame("f", "file:///w/packages/db/src/x.ts"))).toBe("packages/db");
  });
});
