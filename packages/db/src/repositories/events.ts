import type { MemberSessionState } from "../generated/prisma/client";
import type { DbExecutor } from "./executor";

export interface NewSessionEvent {
  /** Dotted name, e.g. "member.invited". */
  readonly type: string;
  /** userID that caused the change; null when the server did. */
  readonly actorId: string | null;
  /** userID the change is about, if any. */
  readonly subjectId: string | null;
  readonly fromState: MemberSessionState | null;
  readonly toState: MemberSessionState | null;
  /** Trace id of the request; null for server-initiated changes. */
  readonly traceId: string | null;
  /** Any JSON value (stored as jsonb). */
  readonly payload: unknown;
}

/**
 * ONE statement for any number of events: advances the session's event_seq by the number of
 * events (UPDATE … RETURNING, which also takes the session's row lock if the caller does not hold
 * it yet) and appends the events with the seqs it frees, in list order. Returns those seqs; an
 * empty array when the session does not exist in `appId` (nothing is written then). An empty
 * list sends nothing.
 */
export async function appendSessionEvents(
  db: DbExecutor,
  append: {
    readonly appId: string;
    readonly sessionId: string;
    readonly events: readonly NewSessionEvent[];
  },
): Promise<number[]> {
  const { events } = append;
  if (events.length === 0) return [];
  const count = events.length;
  const rows = await db.$queryRaw<{ seq: number }[]>`
    WITH bump AS (
      UPDATE "session"
         SET "event_seq" = "event_seq" + ${count}::int
       WHERE "app_id" = ${append.appId} AND "id" = ${append.sessionId}
      RETURNING "event_seq"
    )
    INSERT INTO "session_event"
      ("app_id", "session_id", "seq", "type", "actor_id", "subject_id", "from_state", "to_state",
       "trace_id", "payload")
    SELECT ${append.appId}, ${append.sessionId}, bump."event_seq" - ${count}::int + e.ord::int,
           e.type, e.actor_id, e.subject_id, e.from_state, e.to_state, e.trace_id, e.payload
    FROM bump
    CROSS JOIN unnest(
      ${events.map((e) => e.type)}::text[],
      ${events.map((e) => e.actorId)}::text[],
      ${events.map((e) => e.subjectId)}::text[],
      ${events.map((e) => e.fromState)}::"member_session_state"[],
      ${events.map((e) => e.toState)}::"member_session_state"[],
      ${events.map((e) => e.traceId)}::text[],
      ${events.map((e) => JSON.stringify(e.payload ?? null))}::jsonb[]
    ) WITH ORDINALITY AS e(type, actor_id, subject_id, from_state, to_state, trace_id, payload, ord)
    ORDER BY e.ord
    RETURNING "seq"`;
  return rows.map((row) => row.seq).sort((a, b) => a - b);
}
