import type { MemberSessionState } from "../generated/prisma/client";
import type { DbExecutor } from "./executor";

/** A session event as read back (the console's timeline and live stream). */
export interface SessionEventRow {
  readonly seq: number;
  readonly type: string;
  readonly actorId: string | null;
  readonly subjectId: string | null;
  readonly fromState: MemberSessionState | null;
  readonly toState: MemberSessionState | null;
  readonly traceId: string | null;
  readonly payload: unknown;
  readonly createdAt: Date;
}

interface SessionEventDbRow {
  seq: number;
  type: string;
  actor_id: string | null;
  subject_id: string | null;
  from_state: MemberSessionState | null;
  to_state: MemberSessionState | null;
  trace_id: string | null;
  payload: unknown;
  created_at: Date;
}

function toRow(row: SessionEventDbRow): SessionEventRow {
  return {
    seq: row.seq,
    type: row.type,
    actorId: row.actor_id,
    subjectId: row.subject_id,
    fromState: row.from_state,
    toState: row.to_state,
    traceId: row.trace_id,
    payload: row.payload,
    createdAt: row.created_at,
  };
}

export interface SessionEventsQuery {
  readonly appId: string;
  readonly sessionId: string;
  readonly limit: number;
}

/**
 * ONE statement: up to `limit` of the session's events with seq < `beforeSeq` (null = all),
 * NEWEST first, through the (session_id, seq) unique index.
 */
export async function listSessionEventsBefore(
  db: DbExecutor,
  query: SessionEventsQuery & { readonly beforeSeq: number | null },
): Promise<SessionEventRow[]> {
  const rows = await db.$queryRaw<SessionEventDbRow[]>`
    SELECT "seq" AS seq, "type" AS type, "actor_id" AS actor_id, "subject_id" AS subject_id,
           "from_state"::text AS from_state, "to_state"::text AS to_state, "trace_id" AS trace_id,
           "payload" AS payload, "created_at" AS created_at
    FROM "session_event"
    WHERE "app_id" = ${query.appId} AND "session_id" = ${query.sessionId}
      AND (${query.beforeSeq}::int IS NULL OR "seq" < ${query.beforeSeq}::int)
    ORDER BY "seq" DESC
    LIMIT ${query.limit}::int`;
  return rows.map(toRow);
}

/**
 * ONE statement: up to `limit` of the session's events with seq > `afterSeq`, OLDEST first (the
 * live stream's catch-up). A session's seqs are handed out under its row lock and committed in
 * order, so reading "after the last seq seen" never skips an event that commits later.
 */
export async function listSessionEventsAfter(
  db: DbExecutor,
  query: SessionEventsQuery & { readonly afterSeq: number },
): Promise<SessionEventRow[]> {
  const rows = await db.$queryRaw<SessionEventDbRow[]>`
    SELECT "seq" AS seq, "type" AS type, "actor_id" AS actor_id, "subject_id" AS subject_id,
           "from_state"::text AS from_state, "to_state"::text AS to_state, "trace_id" AS trace_id,
           "payload" AS payload, "created_at" AS created_at
    FROM "session_event"
    WHERE "app_id" = ${query.appId} AND "session_id" = ${query.sessionId}
      AND "seq" > ${query.afterSeq}::int
    ORDER BY "seq" ASC
    LIMIT ${query.limit}::int`;
  return rows.map(toRow);
}

/** A session's newest event seq (0 = none yet). */
export interface LatestEventSeq {
  readonly appId: string;
  readonly sessionId: string;
  readonly seq: number;
}

/**
 * ONE statement for any number of sessions: each one's newest event seq, read from session_event
 * itself (one backward index probe per session), so events written by any server instance, or
 * by any code path, are seen. An empty list sends nothing.
 */
export async function latestEventSeqs(
  db: DbExecutor,
  sessions: readonly { readonly appId: string; readonly sessionId: string }[],
): Promise<LatestEventSeq[]> {
  if (sessions.length === 0) return [];
  const rows = await db.$queryRaw<{ app_id: string; session_id: string; seq: number }[]>`
    SELECT w.app_id AS app_id, w.session_id AS session_id,
           COALESCE((SELECT max(e."seq") FROM "session_event" e
                      WHERE e."session_id" = w.session_id AND e."app_id" = w.app_id), 0)::int AS seq
    FROM unnest(${sessions.map((s) => s.appId)}::text[],
                ${sessions.map((s) => s.sessionId)}::bpchar[]) AS w(app_id, session_id)`;
  return rows.map((row) => ({ appId: row.app_id, sessionId: row.session_id, seq: row.seq }));
}
