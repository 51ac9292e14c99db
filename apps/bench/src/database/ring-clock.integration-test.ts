import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBenchApp, type InviteTarget, provisionTargets, resetInviteData } from "./fixtures";
import { ringClockCorrect, ringClockReport, waitForRingClock } from "./ring-clock";

// The benchmark's check of the ring clock must catch what it exists to catch: a timeout fired
// twice, early or never, and measure lateness from the database.

describe.each(testDatabaseTargets())("ring-clock report (%s)", (kind) => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let appId: string;
  let target: InviteTarget;

  beforeAll(async () => {
    db = await createTestDatabase({ target: kind });
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
    pool.on("error", () => {});
    appId = (await createBenchApp(pool)).id;
  });

  afterAll(async () => {
    await pool?.end();
    await db?.close();
  });

  beforeEach(async () => {
    await resetInviteData(pool);
    [target] = (await provisionTargets(pool, appId, 1, 2)) as [InviteTarget];
  });

  /** A member rung `agoMs` ago (2 s timeout), in `state`, with timeout events `firedAfterMs`. */
  async function member(user: string, state: string, agoMs: number, firedAfterMs: number[]) {
    await pool.query(
      `INSERT INTO "session_member" ("app_id", "session_id", "user_id", "member_session_state",
                                     "invited_at", "calling_deadline", "updated_at")
       VALUES ($1, $2, $3, $4::"member_session_state",
               now() - make_interval(secs => $5::float8 / 1000),
               CASE WHEN $4 = 'MEMBER_CALLING'
                    THEN now() - make_interval(secs => $5::float8 / 1000) + interval '2 s' END,
               now())`,
      [appId, target.sessionId, user, state, agoMs],
    );
    for (const after of firedAfterMs) {
      await pool.query(
        `WITH bump AS (
           UPDATE "session" SET "event_seq" = "event_seq" + 1 WHERE "id" = $2 RETURNING "event_seq"
         )
         INSERT INTO "session_event" ("app_id", "session_id", "seq", "type", "subject_id",
                                      "created_at")
         SELECT $1, $2, bump."event_seq", 'member.timeout', $3,
                m."invited_at" + make_interval(secs => $4::float8 / 1000)
           FROM bump, "session_member" m
          WHERE m."session_id" = $2 AND m."user_id" = $3`,
        [appId, target.sessionId, user, after],
      );
    }
  }

  it("every member timed out once, a little late: correct, with its lateness", async () => {
    await member("a", "MEMBER_TIMEOUT", 10_000, [2_100]);
    await member("b", "MEMBER_TIMEOUT", 10_000, [2_300]);
    const report = await ringClockReport(pool, {
      timeoutSeconds: 2,
      waitedForAll: true,
      drainSeconds: 0,
    });
    expect(report).toMatchObject({ rung: 2, timedOut: 2, stillCalling: 0, timeoutEvents: 2 });
    expect(report.lateness?.min).toBeCloseTo(100, 0);
    expect(report.lateness?.max).toBeCloseTo(300, 0);
    expect(ringClockCorrect(report)).toBe(true);
  });

  it("fired twice, early, without an event, or left calling: each is caught", async () => {
    await member("twice", "MEMBER_TIMEOUT", 10_000, [2_010, 2_020]);
    await member("early", "MEMBER_TIMEOUT", 10_000, [1_500]);
    await member("silent", "MEMBER_TIMEOUT", 10_000, []);
    await member("lost", "MEMBER_CALLING", 10_000, []);
    await member("ringing", "MEMBER_CALLING", 0, []);
    const report = await ringClockReport(pool, {
      timeoutSeconds: 2,
      waitedForAll: true,
      drainSeconds: 0,
    });
    expect(report).toMatchObject({
      rung: 5,
      timedOut: 3,
      stillCalling: 2,
      overdue: 1,
      timeoutEvents: 3,
      firedTwice: 1,
      withoutEvent: 1,
      early: 1,
    });
    expect(ringClockCorrect(report)).toBe(false);
  });

  it("waiting for the ring clock ends once nothing rings, or past the last deadline", async () => {
    expect(await waitForRingClock(pool, 0)).toBeLessThan(1);
    await member("lost", "MEMBER_CALLING", 10_000, []);
    // The deadline passed 8 s ago: with a grace of 1 s there is nothing left to wait for.
    expect(await waitForRingClock(pool, 1_000)).toBeLessThan(1);
  });
});
