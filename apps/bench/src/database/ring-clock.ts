import type pg from "pg";
import { INVITER_ID } from "./fixtures";

// What the ring clock did with the members a case rang, read from the database afterwards. A
// rung member's deadline is its ring time plus the timeout: session_member.invited_at + the
// collaboration's timeout. (calling_deadline held exactly that while it rang — the invite's
// write sets both from one now() — but the sweep clears it when it moves the member to
// MEMBER_TIMEOUT.) When it fired is its member.timeout event's created_at: the sweep
// transaction's now(), the moment that sweep compared the deadline with (the member becomes
// visible as MEMBER_TIMEOUT at that transaction's commit, a few milliseconds later).

export interface Lateness {
  /** Fired − deadline, ms, over the members that fired. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly min: number;
}

export interface RingClockReport {
  /** The collaborations' calling timeout the case rang with, s. */
  readonly timeoutSeconds: number;
  /** Whether the report waited for every rung member's deadline to pass (and their sweep). */
  readonly waitedForAll: boolean;
  /** Seconds from the end of the load until the last due member fired (when waited for). */
  readonly drainSeconds: number | null;
  /** Members the case rang (all but the inviter). */
  readonly rung: number;
  readonly timedOut: number;
  readonly stillCalling: number;
  /** Still MEMBER_CALLING although their deadline passed over OVERDUE_AFTER_MS ago: lost or late. */
  readonly overdue: number;
  /** member.timeout events in the database (all of them, not only the rung members'). */
  readonly timeoutEvents: number;
  /** Members with more than one member.timeout event. */
  readonly firedTwice: number;
  /** MEMBER_TIMEOUT members without a member.timeout event. */
  readonly withoutEvent: number;
  /** Members whose event came before their deadline. */
  readonly early: number;
  readonly lateness: Lateness | null;
}

/** How long past its deadline a ringing member counts as overdue in the report. */
export const OVERDUE_AFTER_MS = 1_000;

/** Exactly once, never early, nothing left behind (when waited for): what must always hold. */
export function ringClockCorrect(report: RingClockReport): boolean {
  return (
    report.firedTwice === 0 &&
    report.withoutEvent === 0 &&
    report.early === 0 &&
    report.timeoutEvents === report.timedOut &&
    (!report.waitedForAll || report.stillCalling === 0)
  );
}

/**
 * Waits until no rung member is MEMBER_CALLING any more, or until `graceMs` past the last
 * deadline (then the report shows who is left). Resolves to the seconds it waited.
 */
export async function waitForRingClock(db: pg.Pool, graceMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { rows } = await db.query<{ calling: number; past_last: boolean | null }>(
      `SELECT count(*)::int AS calling,
              max("calling_deadline") + make_interval(secs => $2::float8 / 1000) < now()
                AS past_last
         FROM "session_member"
        WHERE "member_session_state" = 'MEMBER_CALLING' AND "user_id" <> $1`,
      [INVITER_ID, graceMs],
    );
    const row = rows[0];
    if (!row || row.calling === 0 || row.past_last === true) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return (performance.now() - started) / 1000;
}

/**
 * The report for every member rung since the invite tables were last emptied. It joins every rung
 * member with its events (a million rows after a sustained run): fresh statistics first, and hash
 * joins only, so a plan made for the empty tables of the case's start cannot take minutes.
 */
export async function ringClockReport(
  db: pg.Pool,
  options: { timeoutSeconds: number; waitedForAll: boolean; drainSeconds: number | null },
): Promise<RingClockReport> {
  await db.query(`ANALYZE "session_member", "session_event"`);
  const client = await db.connect();
  let result: pg.QueryResult<ReportRow>;
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL enable_nestloop = off");
    result = await client.query<ReportRow>(REPORT_SQL, [
      options.timeoutSeconds,
      INVITER_ID,
      OVERDUE_AFTER_MS,
    ]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  const row = result.rows[0];
  if (!row) throw new Error("ring clock report: no row");
  return {
    timeoutSeconds: options.timeoutSeconds,
    waitedForAll: options.waitedForAll,
    drainSeconds: options.drainSeconds,
    rung: row.rung,
    timedOut: row.timed_out,
    stillCalling: row.still_calling,
    overdue: row.overdue,
    timeoutEvents: row.timeout_events,
    firedTwice: row.fired_twice,
    withoutEvent: row.without_event,
    early: row.early,
    lateness:
      row.fired === 0
        ? null
        : { p50: row.p50 ?? 0, p99: row.p99 ?? 0, max: row.max ?? 0, min: row.min ?? 0 },
  };
}

interface ReportRow {
  rung: number;
  timed_out: number;
  still_calling: number;
  overdue: number;
  timeout_events: number;
  fired_twice: number;
  without_event: number;
  early: number;
  fired: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  min: number | null;
}

/** $1 timeout s, $2 the inviter (never rung), $3 OVERDUE_AFTER_MS. */
const REPORT_SQL = `WITH rung AS (
   SELECT m."session_id", m."user_id", m."member_session_state"::text AS state,
          m."invited_at" + make_interval(secs => $1::float8) AS deadline
     FROM "session_member" m
    WHERE m."user_id" <> $2 AND m."invited_at" IS NOT NULL
 ), fired AS (
   SELECT e."session_id", e."subject_id" AS "user_id", count(*)::int AS n,
          min(e."created_at") AS at
     FROM "session_event" e
    WHERE e."type" = 'member.timeout'
    GROUP BY e."session_id", e."subject_id"
 ), joined AS (
   SELECT r.state, r.deadline, f.n, f.at,
          (extract(epoch FROM f.at - r.deadline) * 1000)::float8 AS late_ms
     FROM rung r LEFT JOIN fired f USING ("session_id", "user_id")
 )
 SELECT count(*)::int AS rung,
        count(*) FILTER (WHERE state = 'MEMBER_TIMEOUT')::int AS timed_out,
        count(*) FILTER (WHERE state = 'MEMBER_CALLING')::int AS still_calling,
        count(*) FILTER (WHERE state = 'MEMBER_CALLING'
                           AND deadline < now() - make_interval(secs => $3::float8 / 1000)
                        )::int AS overdue,
        (SELECT count(*) FROM "session_event" WHERE "type" = 'member.timeout')::int
          AS timeout_events,
        count(*) FILTER (WHERE n > 1)::int AS fired_twice,
        count(*) FILTER (WHERE state = 'MEMBER_TIMEOUT' AND n IS NULL)::int AS without_event,
        count(*) FILTER (WHERE at < deadline)::int AS early,
        count(late_ms)::int AS fired,
        percentile_disc(0.5) WITHIN GROUP (ORDER BY late_ms) AS p50,
        percentile_disc(0.99) WITHIN GROUP (ORDER BY late_ms) AS p99,
        max(late_ms) AS max,
        min(late_ms) AS min
   FROM joined`;
