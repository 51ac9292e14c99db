import type { DbExecutor } from "./executor";

// The ring clock. A ringing member's calling timeout is data: session_member.calling_deadline,
// set by the invite's upsert (now() + the timeout) and cleared by every transition out of
// MEMBER_CALLING. Workers sweep due rows here, in ONE statement per batch that runs as its own
// transaction: nothing is locked outside it, so a crash or a database restart mid-sweep rolls it
// back and the next sweep (of any worker) takes the same rows again.

export interface TimedOutMember {
  readonly appId: string;
  readonly sessionId: string;
  readonly userId: string;
  /** The seq of its member.timeout event. */
  readonly seq: number;
  /** How long past its deadline the ring was when it was timed out (milliseconds). */
  readonly lateMs: number;
}

export interface CallingTimeoutSweep {
  /** Due ringing members this batch looked at (at most the batch size). */
  readonly due: number;
  /** The members moved to MEMBER_TIMEOUT, each with its event. */
  readonly timedOut: readonly TimedOutMember[];
  /**
   * Milliseconds (by the database's clock) until the next deadline that was not due yet when the
   * batch ran; null when no member is ringing with a later deadline.
   */
  readonly nextDueInMs: number | null;
}

/**
 * ONE statement (data-modifying CTEs): takes up to `batchSize` ringing members whose deadline
 * has passed, oldest deadline first; locks their sessions FOR UPDATE SKIP LOCKED — first, as every
 * writer of a session's members does, so a sweep never deadlocks with an invite; a session that
 * another transaction holds is left for a later sweep — and, in the sessions it locked, moves the
 * members that are still MEMBER_CALLING and still due (re-checked on the newest row version, so a
 * member answered or rung again meanwhile is left alone) to MEMBER_TIMEOUT, clearing the deadline.
 * Each such session's event_seq advances by the number moved and one `eventType` event per member
 * is appended with consecutive seqs (actor and trace null: the server did it; payload
 * { collaborationID, invitedAt }), in deadline order. The statement-level webhook trigger on
 * session_event sees them like any other append. Any number of sweepers may run this at once:
 * each due member is moved by exactly one of them.
 *
 * Also reads the next deadline still to come (through the partial index on CALLING rows), so the
 * caller knows how long it may sleep.
 */
export async function sweepDueCallingTimeouts(
  db: DbExecutor,
  sweep: { readonly batchSize: number; readonly eventType: string },
): Promise<CallingTimeoutSweep> {
  if (!(Number.isInteger(sweep.batchSize) && sweep.batchSize > 0)) {
    throw new RangeError(`sweepDueCallingTimeouts: batch size ${sweep.batchSize}`);
  }
  const rows = await db.$queryRaw<
    {
      due: number;
      timed_out: TimedOutMember[];
      next_due_ms: number | null;
    }[]
  >`
    WITH due AS MATERIALIZED (
      SELECT m."app_id", m."session_id", m."user_id", m."calling_deadline" AS deadline
      FROM "session_member" m
      WHERE m."member_session_state" = 'MEMBER_CALLING'
        AND m."calling_deadline" <= now()
      ORDER BY m."calling_deadline"
      LIMIT ${sweep.batchSize}::int
    ), locked AS MATERIALIZED (
      SELECT s."app_id", s."id", s."collaboration_id"
      FROM "session" s
      WHERE (s."app_id", s."id") IN (SELECT d."app_id", d."session_id" FROM due d)
      FOR UPDATE SKIP LOCKED
    ), moved AS (
      UPDATE "session_member" m
         SET "member_session_state" = 'MEMBER_TIMEOUT', "calling_deadline" = NULL,
             "updated_at" = now()
        FROM due d, locked l
       WHERE l."app_id" = d."app_id" AND l."id" = d."session_id"
         AND m."session_id" = d."session_id" AND m."user_id" = d."user_id"
         AND m."app_id" = d."app_id"
         -- Re-checked on the newest row version: still ringing, from the ring that was due (a
         -- re-ring has a later deadline). Spelled so that the partial index on CALLING rows'
         -- deadlines cannot serve this scan (the ::text defeats its predicate): with statistics
         -- that predate the due rows, the planner drove the update from that index, a nested
         -- loop over every due member × the batch (seconds per sweep); by primary key from
         -- \`due\` it is one lookup per row, whatever the statistics say.
         AND m."member_session_state"::text = 'MEMBER_CALLING'
         AND m."calling_deadline" = d.deadline
      RETURNING m."app_id", m."session_id", m."user_id", m."invited_at", d.deadline,
                l."collaboration_id"
    ), numbered AS (
      SELECT mv.*,
             row_number() OVER (PARTITION BY mv."app_id", mv."session_id"
                                ORDER BY mv.deadline, mv."user_id")::int AS ord,
             count(*) OVER (PARTITION BY mv."app_id", mv."session_id")::int AS n
      FROM moved mv
    ), bump AS (
      UPDATE "session" s
         SET "event_seq" = s."event_seq" + c.n
        FROM (SELECT mv."app_id", mv."session_id", count(*)::int AS n
                FROM moved mv GROUP BY mv."app_id", mv."session_id") c
       WHERE s."app_id" = c."app_id" AND s."id" = c."session_id"
      RETURNING s."app_id", s."id", s."event_seq"
    ), appended AS (
      INSERT INTO "session_event"
        ("app_id", "session_id", "seq", "type", "actor_id", "subject_id", "from_state",
         "to_state", "trace_id", "payload")
      SELECT nb."app_id", nb."session_id", b."event_seq" - nb.n + nb.ord, ${sweep.eventType},
             NULL, nb."user_id", 'MEMBER_CALLING', 'MEMBER_TIMEOUT', NULL,
             jsonb_build_object('collaborationID', nb."collaboration_id",
                                'invitedAt', to_jsonb(nb."invited_at"))
      FROM numbered nb
      JOIN bump b ON b."app_id" = nb."app_id" AND b."id" = nb."session_id"
      ORDER BY nb."session_id", nb.ord
      RETURNING "app_id", "session_id", "subject_id", "seq"
    )
    SELECT (SELECT count(*) FROM due)::int AS due,
           (SELECT coalesce(json_agg(json_build_object(
                     'appId', a."app_id", 'sessionId', a."session_id",
                     'userId', a."subject_id", 'seq', a."seq",
                     'lateMs', extract(epoch FROM now() - mv.deadline) * 1000)), '[]'::json)
              FROM appended a
              JOIN moved mv ON mv."app_id" = a."app_id" AND mv."session_id" = a."session_id"
                           AND mv."user_id" = a."subject_id") AS timed_out,
           (SELECT GREATEST(0, extract(epoch FROM min(n."calling_deadline") - now()) * 1000)
              FROM "session_member" n
             WHERE n."member_session_state" = 'MEMBER_CALLING'
               AND n."calling_deadline" > now())::float8 AS next_due_ms`;
  const row = rows[0];
  return {
    due: row?.due ?? 0,
    timedOut: row?.timed_out ?? [],
    nextDueInMs: row?.next_due_ms ?? null,
  };
}
