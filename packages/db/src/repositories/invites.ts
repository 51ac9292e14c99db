import type {
  CollaborationState,
  MemberSessionState,
  SessionState,
} from "../generated/prisma/client";
import type { NewSessionEvent } from "./events";
import type { DbExecutor } from "./executor";
import type { MemberStateRow, MemberWrite } from "./members";

// The invite's statements: optimistic concurrency on session.event_seq (the domain's
// invite-members.ts explains why it is correct; packages/domain/README.md, "inviteMembers").
//
// The invariant they rely on, kept by every writer: any change to a session's members or state
// (or to its collaboration's state or rules, which the invite also reads) advances the session's
// event_seq in the same transaction, and is made while holding the session's row lock, taken
// before any member row. Today: the invite (writeInviteIfUnchanged), /create (a new session),
// the member transitions and /session/end (lockSessionForLifecycle, then appendSessionEvents)
// and the ring clock's sweep (sweepDueCallingTimeouts). So "event_seq is still what I read" means
// "nothing I read has changed".

/** The collaboration, session and members as one invite reads them, from ONE snapshot. */
export interface InviteSnapshot {
  /** Null when the app has no such collaboration. */
  readonly collaboration: {
    readonly state: CollaborationState;
    /** ruleSettings.numberLimit as stored (0 = none of its own). */
    readonly numberLimit: number;
    /** ruleSettings.callingTimeout as stored, in seconds (0 = the deployment's default). */
    readonly callingTimeoutSeconds: number;
  } | null;
  /** Null when the app has no such session in that collaboration. */
  readonly session: {
    readonly state: SessionState;
    /** The last event seq handed out: the version the write compares against. */
    readonly eventSeq: number;
  } | null;
  /** The listed users that are members of the session, with their state. */
  readonly members: readonly MemberStateRow[];
  /** How many of the session's members are in one of `countStates`. */
  readonly count: number;
}

interface InviteSnapshotRow {
  collaboration_state: CollaborationState | null;
  number_limit: number | null;
  calling_timeout_seconds: number | null;
  session_state: SessionState | null;
  event_seq: number | null;
  members: [string, MemberSessionState][] | null;
  n: number;
}

/**
 * ONE statement, no lock, whatever the number of users: the collaboration (state, member limit,
 * calling timeout) and the session (state, event_seq) in `appId` — the session only if it
 * belongs to `collaborationId` — the state of each listed user in the session, and how many of
 * its members are in `countStates`. One statement reads one snapshot, so the member states and
 * the count are exactly those of the session at `session.eventSeq`.
 */
export async function readInviteSnapshot(
  db: DbExecutor,
  query: {
    readonly appId: string;
    readonly collaborationId: string;
    readonly sessionId: string;
    readonly userIds: readonly string[];
    readonly countStates: readonly MemberSessionState[];
  },
): Promise<InviteSnapshot> {
  const rows = await db.$queryRaw<InviteSnapshotRow[]>`
    SELECT c."state"::text AS collaboration_state,
           c."number_limit" AS number_limit,
           c."calling_timeout_seconds" AS calling_timeout_seconds,
           s."state"::text AS session_state,
           s."event_seq" AS event_seq,
           (SELECT json_agg(json_build_array(m."user_id", m."member_session_state"))
              FROM "session_member" m
             WHERE m."app_id" = s."app_id" AND m."session_id" = s."id"
               AND m."user_id" = ANY(${query.userIds}::text[])) AS members,
           (SELECT count(*)::int
              FROM "session_member" l
             WHERE l."app_id" = s."app_id" AND l."session_id" = s."id"
               AND l."member_session_state" = ANY(${query.countStates}::"member_session_state"[])
           ) AS n
    FROM (SELECT 1) AS one
    LEFT JOIN "collaboration" c ON c."app_id" = ${query.appId} AND c."id" = ${query.collaborationId}
    LEFT JOIN "session" s
      ON s."app_id" = ${query.appId} AND s."id" = ${query.sessionId}
     AND s."collaboration_id" = ${query.collaborationId}`;
  const row = rows[0];
  return {
    collaboration:
      row?.collaboration_state == null
        ? null
        : {
            state: row.collaboration_state,
            numberLimit: row.number_limit ?? 0,
            callingTimeoutSeconds: row.calling_timeout_seconds ?? 0,
          },
    session:
      row?.session_state == null
        ? null
        : { state: row.session_state, eventSeq: row.event_seq ?? 0 },
    members: (row?.members ?? []).map(([userId, memberSessionState]) => ({
      userId,
      memberSessionState,
    })),
    count: row?.n ?? 0,
  };
}

/**
 * ONE statement: locks the session row (SELECT … FOR UPDATE) until the transaction ends, so that
 * what the transaction reads next stays true until it commits. The invite's fallback under
 * contention. Must run inside a transaction. False when the app has no such session.
 */
export async function lockSessionRow(
  db: DbExecutor,
  key: { readonly appId: string; readonly sessionId: string },
): Promise<boolean> {
  const rows = await db.$queryRaw<{ locked: number }[]>`
    SELECT 1 AS locked FROM "session"
     WHERE "app_id" = ${key.appId} AND "id" = ${key.sessionId}
    FOR UPDATE`;
  return rows.length > 0;
}

/**
 * What writeInviteIfUnchanged did: `written` (every member and event), `stale` (the session's
 * event_seq was no longer the one expected: nothing written) or `skipped` (a member row was not
 * in a state the write may overwrite although event_seq had not moved — a writer broke the
 * invariant above; the statement failed, so nothing was written either).
 */
export type InviteWriteResult =
  | { readonly status: "written"; readonly seqs: readonly number[] }
  | { readonly status: "stale" }
  | { readonly status: "skipped" };

// Raised inside the write statement (an integer cast of this text fails) to roll it back whole.
const SKIPPED_MARKER = "collab-invite-write: a member row changed without the session lock";

/** The SQLSTATE and message of a database error, through Prisma's and the adapter's wrapping. */
function databaseError(error: unknown): { code: string; message: string } | null {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const { originalCode, originalMessage } = current as {
      originalCode?: unknown;
      originalMessage?: unknown;
    };
    if (typeof originalCode === "string") {
      return { code: originalCode, message: String(originalMessage ?? "") };
    }
    const { cause, meta } = current as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    current = cause ?? meta?.driverAdapterError;
  }
  return null;
}

/**
 * ONE statement, autocommit (no BEGIN/COMMIT needed), whatever the number of members: a
 * compare-and-set on the session's event_seq, then the members and the events — only if it
 * passed. Data-modifying CTEs:
 *
 * 1. `cas`: `UPDATE session SET event_seq = event_seq + events.length WHERE … AND event_seq =
 *    expectedEventSeq RETURNING event_seq`. It takes the session's row lock (before any member
 *    row, as every writer does). Under READ COMMITTED, if another transaction changed the row
 *    after this statement's snapshot, the UPDATE waits for it and re-checks its WHERE on the
 *    newest version: a writer that committed anything since the read has advanced event_seq,
 *    so the CAS fails and returns no row.
 * 2. `upserted`: the members (`INSERT … SELECT FROM cas, json_to_recordset(…) ON CONFLICT DO
 *    UPDATE … WHERE state = ANY(overwriteStates)`), as upsertMembers writes them (calling
 *    deadline = now() + `callingTimeoutSeconds` for a member written MEMBER_CALLING; invited_by,
 *    invited_at = now()). Every CTE runs to completion whatever the main query reads, so each
 *    write selects FROM `cas`: without its row, it writes nothing.
 * 3. `appended`: the events, seqs expectedEventSeq + 1 … + events.length in list order (also FROM
 *    `cas`).
 *
 * The main query checks that every member was written when the CAS passed and otherwise raises
 * an error, which rolls the whole statement back (`skipped`). Members and events travel as one
 * JSON parameter each: cheaper for Prisma than an array per column.
 */
export async function writeInviteIfUnchanged(
  db: DbExecutor,
  write: {
    readonly appId: string;
    readonly sessionId: string;
    /** session.event_seq as read; the write happens only if it is still this. */
    readonly expectedEventSeq: number;
    readonly members: readonly MemberWrite[];
    readonly invitedBy: string;
    readonly overwriteStates: readonly MemberSessionState[];
    /** Seconds a member written MEMBER_CALLING may ring (fractions allowed). */
    readonly callingTimeoutSeconds: number;
    /** At least one; appended with the next seqs, in list order. */
    readonly events: readonly NewSessionEvent[];
  },
): Promise<InviteWriteResult> {
  const { members, events } = write;
  if (events.length === 0) throw new RangeError("writeInviteIfUnchanged: no events");
  if (!(write.callingTimeoutSeconds > 0)) {
    // A ringing member without a deadline would ring forever.
    throw new RangeError(
      `writeInviteIfUnchanged: calling timeout must be > 0, got ${write.callingTimeoutSeconds}`,
    );
  }
  for (const m of members) {
    for (const value of [...m.medias, ...m.roles, m.deviceType, m.seqId]) {
      if (!Number.isSafeInteger(value)) {
        throw new RangeError(`writeInviteIfUnchanged: ${value} is not an integer`);
      }
    }
  }
  const membersJson = JSON.stringify(
    members.map((m) => ({
      user_id: m.userId,
      confirm_state: m.confirmState,
      member_session_state: m.memberSessionState,
      medias: m.medias,
      tools: m.tools,
      roles: m.roles,
      device_type: m.deviceType,
      seq_id: m.seqId,
      extra: m.extra,
    })),
  );
  const eventsJson = JSON.stringify(
    events.map((e) => ({
      type: e.type,
      actor_id: e.actorId,
      subject_id: e.subjectId,
      from_state: e.fromState,
      to_state: e.toState,
      trace_id: e.traceId,
      payload: e.payload ?? null,
    })),
  );
  const count = events.length;
  let rows: { advanced: number; written: number }[];
  try {
    rows = await db.$queryRaw<{ advanced: number; written: number }[]>`
      WITH cas AS (
        UPDATE "session" s
           SET "event_seq" = s."event_seq" + ${count}::int
         WHERE s."app_id" = ${write.appId} AND s."id" = ${write.sessionId}
           AND s."event_seq" = ${write.expectedEventSeq}::int
        RETURNING s."event_seq"
      ), upserted AS (
        INSERT INTO "session_member" AS m
          ("app_id", "session_id", "user_id", "confirm_state", "member_session_state", "medias",
           "tools", "roles", "device_type", "seq_id", "extra", "invited_by", "invited_at",
           "calling_deadline", "created_at", "updated_at")
        SELECT ${write.appId}, ${write.sessionId}, t.user_id, t.confirm_state,
               t.member_session_state, t.medias, t.tools, t.roles, t.device_type, t.seq_id,
               t.extra, ${write.invitedBy}, now(),
               CASE WHEN t.member_session_state = 'MEMBER_CALLING'
                    THEN now() + make_interval(secs => ${write.callingTimeoutSeconds}::float8) END,
               now(), now()
        FROM cas, json_to_recordset(${membersJson}::json) AS t(
          user_id text, confirm_state "confirm_state", member_session_state "member_session_state",
          medias int[], tools jsonb, roles int[], device_type int, seq_id int, extra text)
        ON CONFLICT ("session_id", "user_id") DO UPDATE SET
          "confirm_state" = EXCLUDED."confirm_state",
          "member_session_state" = EXCLUDED."member_session_state",
          "medias" = EXCLUDED."medias",
          "tools" = EXCLUDED."tools",
          "roles" = EXCLUDED."roles",
          "device_type" = EXCLUDED."device_type",
          "seq_id" = EXCLUDED."seq_id",
          "extra" = EXCLUDED."extra",
          "invited_by" = EXCLUDED."invited_by",
          "invited_at" = EXCLUDED."invited_at",
          "calling_deadline" = EXCLUDED."calling_deadline",
          "updated_at" = EXCLUDED."updated_at"
        WHERE m."member_session_state" = ANY(${write.overwriteStates}::"member_session_state"[])
        RETURNING 1
      ), appended AS (
        INSERT INTO "session_event"
          ("app_id", "session_id", "seq", "type", "actor_id", "subject_id", "from_state",
           "to_state", "trace_id", "payload")
        SELECT ${write.appId}, ${write.sessionId}, cas."event_seq" - ${count}::int + e.ord::int,
               e.type, e.actor_id, e.subject_id, e.from_state, e.to_state, e.trace_id, e.payload
        FROM cas, ROWS FROM (json_to_recordset(${eventsJson}::json) AS (
          type text, actor_id text, subject_id text, from_state "member_session_state",
          to_state "member_session_state", trace_id text, payload jsonb
        )) WITH ORDINALITY AS e(type, actor_id, subject_id, from_state, to_state, trace_id,
                                payload, ord)
        ORDER BY e.ord
        RETURNING 1
      )
      SELECT r.advanced,
             CASE WHEN r.written = r.advanced * ${members.length}::int
                   AND r.appended = r.advanced * ${count}::int THEN r.written
                  ELSE (${SKIPPED_MARKER} || ' (' || r.written || ')')::int END AS written
      FROM (SELECT (SELECT count(*) FROM cas)::int AS advanced,
                   (SELECT count(*) FROM upserted)::int AS written,
                   (SELECT count(*) FROM appended)::int AS appended) AS r`;
  } catch (error) {
    const cause = databaseError(error);
    if (cause?.code === "22P02" && cause.message.includes(SKIPPED_MARKER)) {
      return { status: "skipped" };
    }
    throw error;
  }
  if ((rows[0]?.advanced ?? 0) === 0) return { status: "stale" };
  return {
    status: "written",
    seqs: events.map((_, i) => write.expectedEventSeq + i + 1),
  };
}
