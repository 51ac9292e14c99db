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

export interface SessionEventDbRow {
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

/** The one mapping of a session_event row (the timeline, the live stream, the webhook). */
export function toSessionEventRow(row: SessionEventDbRow): SessionEventRow {
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
  return rows.map(toSessionEventRow);
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
  return rows.map(toSessionEventRow);
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

/** A session's events for a catch-up read, each with its unique id (the webhook's event id). */
export interface SessionEventCatchUp {
  /** Whether the app has the collaboration, and the session in it. */
  readonly collaborationFound: boolean;
  readonly sessionFound: boolean;
  readonly events: (SessionEventRow & { readonly id: string })[];
}

/**
 * ONE statement: checks that the app has the collaboration and the session in it, and reads up to
 * `limit` of the session's events with seq > `afterSeq`, oldest first (POST /session/events).
 * Another app's objects are never read: they are not found, as absent ones.
 */
export async function readSessionEventsAfter(
  db: DbExecutor,
  query: {
    readonly appId: string;
    readonly collaborationId: string;
    readonly sessionId: string;
    readonly afterSeq: number;
    readonly limit: number;
  },
): Promise<SessionEventCatchUp> {
  const rows = await db.$queryRaw<
    {
      collaboration_found: boolean;
      session_found: boolean;
      events: (Omit<SessionEventDbRow, "created_at"> & { id: string; created_at: string })[];
    }[]
  >`
    WITH c AS (
      SELECT 1 FROM "collaboration"
      WHERE "app_id" = ${query.appId} AND "id" = ${query.collaborationId}
    ), s AS (
      SELECT "id" FROM "session"
      WHERE "app_id" = ${query.appId} AND "id" = ${query.sessionId}
        AND "collaboration_id" = ${query.collaborationId}
    ), page AS (
      SELECT e."id", e."seq", e."type", e."actor_id", e."subject_id", e."from_state",
             e."to_state", e."trace_id", e."payload", e."created_at"
      FROM "session_event" e
      WHERE e."app_id" = ${query.appId} AND e."session_id" IN (SELECT "id" FROM s)
        AND e."seq" > ${query.afterSeq}::int
      ORDER BY e."seq" ASC
      LIMIT ${query.limit}::int
    )
    SELECT EXISTS (SELECT 1 FROM c) AS collaboration_found,
           EXISTS (SELECT 1 FROM s) AS session_found,
           (SELECT coalesce(json_agg(json_build_object(
                     'id', p."id"::text, 'seq', p."seq", 'type', p."type",
                     'actor_id', p."actor_id", 'subject_id', p."subject_id",
                     'from_state', p."from_state"::text, 'to_state', p."to_state"::text,
                     'trace_id', p."trace_id", 'payload', p."payload",
                     'created_at', to_char(p."created_at" AT TIME ZONE 'UTC',
                                           'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                     ORDER BY p."seq"), '[]'::json)
              FROM page p) AS events`;
  const row = rows[0];
  return {
    collaborationFound: row?.collaboration_found ?? false,
    sessionFound: row?.session_found ?? false,
    events: (row?.events ?? []).map((event) => ({
      ...toSessionEventRow({ ...event, created_at: new Date(event.created_at) }),
      id: event.id,
    })),
  };
}
