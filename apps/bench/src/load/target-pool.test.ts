import { describe, expect, it } from "vitest";
import type { InviteTarget } from "../database/fixtures";
import { SESSION_MEMBERS, TargetPool } from "./target-pool";

const targets = (count: number, from = 0): InviteTarget[] =>
  Array.from({ length: count }, (_, i) => ({
    collaborationId: `c${from + i}`,
    sessionId: `s${from + i}`,
  }));

/** Takes `count` assignments, with each one's session size (members before it) at that moment. */
function takeMany(pool: TargetPool, count: number, sizes: Map<string, number>) {
  const taken: { sessionId: string; sizeBefore: number; userIds: readonly string[] }[] = [];
  for (let i = 0; i < count; i++) {
    const assignment = pool.take();
    if (assignment === null) throw new Error(`out of sessions after ${i}`);
    const sessionId = assignment.target.sessionId;
    const sizeBefore = sizes.get(sessionId) ?? 1;
    sizes.set(sessionId, sizeBefore + assignment.userIds.length);
    taken.push({ sessionId, sizeBefore, userIds: assignment.userIds });
  }
  return taken;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe("TargetPool", () => {
  it("invites into the same mix of session sizes once its first sessions are gone as after many", () => {
    const pool = new TargetPool(5, 64);
    pool.add(targets(5_000));
    const sizes = new Map<string, number>();
    const taken = takeMany(pool, 40_000, sizes);
    // The first sessions leave within width × requestsPerSession = 640 requests (a second of a
    // run, in its warm-up); from then on, the mix is the same.
    const first = mean(taken.slice(640, 1_280).map((t) => t.sizeBefore));
    const late = mean(taken.slice(39_360).map((t) => t.sizeBefore));
    // Evenly spread between the inviter alone (1) and full (51 − 5): a mean of about 24.
    expect(late).toBeGreaterThan(18);
    expect(late).toBeLessThan(30);
    expect(Math.abs(first - late) / late).toBeLessThan(0.15);
    // No session passes its size, and every invitee is new to its session.
    expect(Math.max(...sizes.values())).toBeLessThanOrEqual(SESSION_MEMBERS);
    const seen = new Set<string>();
    for (const { sessionId, userIds } of taken) {
      for (const user of userIds) {
        const key = `${sessionId}/${user}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
  });

  it("lands each of `width` consecutive requests on a different session", () => {
    const pool = new TargetPool(5, 64);
    pool.add(targets(500));
    const taken = takeMany(pool, 3_000, new Map());
    for (let i = 0; i + 64 <= taken.length; i += 7) {
      const window = taken.slice(i, i + 64).map((t) => t.sessionId);
      expect(new Set(window).size).toBe(64);
    }
  });

  it("counts what it can still take, and takes exactly that, sessions added later included", () => {
    const pool = new TargetPool(25, 8);
    expect(pool.requestsPerSession).toBe(2);
    pool.add(targets(20));
    const first = pool.remaining;
    takeMany(pool, first, new Map());
    expect(pool.take()).toBeNull();
    pool.add(targets(3, 20));
    expect(pool.remaining).toBe(6);
    expect(takeMany(pool, 6, new Map())).toHaveLength(6);
    expect(pool.take()).toBeNull();
    expect(pool.taken).toBe(first + 6);
  });

  it("provisions enough for a planned number of requests, the first sessions' short quotas included", () => {
    // Seen: 5 s of warm-up at 264 req/s found every session full when the plan counted each new
    // session as a full one.
    for (const [invitees, requests] of [
      [5, 1_452],
      [5, 50],
      [1, 3_000],
      [100, 700],
    ] as const) {
      const pool = new TargetPool(invitees, 64);
      pool.add(targets(pool.sessionsFor(requests)));
      expect(pool.remaining).toBeGreaterThanOrEqual(requests);
      expect(takeMany(pool, requests, new Map())).toHaveLength(requests);
      // Topped up for more, as after a warm-up.
      const more = 2_000 - pool.remaining;
      pool.add(targets(pool.sessionsFor(more), 100_000));
      expect(pool.remaining).toBeGreaterThanOrEqual(2_000);
    }
  });

  it("sends one request per session when the invitees alone pass its size", () => {
    const pool = new TargetPool(100, 4);
    expect(pool.requestsPerSession).toBe(1);
    expect(() => new TargetPool(500)).toThrow(RangeError);
  });
});
