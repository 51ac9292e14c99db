import type {
  CollaborationState,
  ConfirmState,
  MemberSessionState,
  SessionState,
} from "../generated/prisma/client";
import type { NewSessionEvent } from "./events";
import { type DbExecutor, intArrayLiteral } from "./executor";

export interface MemberStateRow {
  readonly userId: string;
  readonly memberSessionState: MemberSessionState;
}

/** A collaboration tool as stored in a member's or session's `tools` jsonb. */
export interface StoredTool {
  readonly kind: number;
  readonly extra: string;
  readonly userID: string;
}

/** The member fields of the wire's MemberInfo, as stored. */
export interface MemberWrite {
  readonly userId: string;
  readonly confirmState: ConfirmState;
  readonly memberSessionState: MemberSessionState;
  readonly medias: readonly number[];
  readonly tools: readonly StoredTool[];
  readonly roles: readonly number[];
  readonly deviceType: number;
  readonly seqId: number;
  readonly extra: string;
}

/**
 * ONE statement for any number of members (INSERT … SELECT FROM unnest(…) ON CONFLICT DO
 * UPDATE): inserts the members that are absent and overwrites every field of those present
 * whose current state is in `overwriteStates` (others are left untouched). `invitedBy` non-null
 * also sets invited_by / invited_at (now()). A member written MEMBER_CALLING gets its ring's
 * deadline, calling_deadline = now() + `callingTimeoutSeconds` (the ring clock sweeps it); every
 * other member written gets none. Returns the userIds actually written, so a caller can tell
 * whether a row was skipped. An empty list sends nothing.
 */
export async function upsertMembers(
  db: DbExecutor,
  write: {
    readonly appId: string;
    readonly sessionId: string;
    readonly members: readonly MemberWrite[];
    readonly invitedBy: string | null;
    readonly overwriteStates: readonly MemberSessionState[];
    /**
     * Seconds a member written MEMBER_CALLING may ring (fractions allowed); required when one is.
     */
    readonly callingTimeoutSeconds?: number;
  },
): Promise<string[]> {
  const { members } = write;
  if (members.length === 0) return [];
  const timeout = write.callingTimeoutSeconds ?? null;
  if (
    members.some((m) => m.memberSessionState === "MEMBER_CALLING") &&
    !(timeout !== null && timeout > 0)
  ) {
    // A ringing member without a deadline would ring forever.
    throw new RangeError(`upsertMembers: a ringing member needs a calling timeout, got ${timeout}`);
  }
  const rows = await db.$queryRaw<{ user_id: string }[]>`
    INSERT INTO "session_member" AS m
      ("app_id", "session_id", "user_id", "confirm_state", "member_session_state", "medias",
       "tools", "roles", "device_type", "seq_id", "extra", "invited_by", "invited_at",
       "calling_deadline", "created_at", "updated_at")
    SELECT ${write.appId}, ${write.sessionId}, t.user_id, t.confirm_state, t.member_session_state,
           t.medias::int[], t.tools, t.roles::int[], t.device_type, t.seq_id, t.extra,
           ${write.invitedBy}::text,
           CASE WHEN ${write.invitedBy}::text IS NULL THEN NULL ELSE now() END,
           CASE WHEN t.member_session_state = 'MEMBER_CALLING'
                THEN now() + make_interval(secs => ${timeout}::float8) END,
           now(), now()
    FROM unnest(
      ${members.map((m) => m.userId)}::text[],
      ${members.map((m) => m.confirmState)}::"confirm_state"[],
      ${members.map((m) => m.memberSessionState)}::"member_session_state"[],
      ${members.map((m) => intArrayLiteral(m.medias))}::text[],
      ${members.map((m) => JSON.stringify(m.tools))}::jsonb[],
      ${members.map((m) => intArrayLiteral(m.roles))}::text[],
      ${members.map((m) => m.deviceType)}::int[],
      ${members.map((m) => m.seqId)}::int[],
      ${members.map((m) => m.extra)}::text[]
    ) AS t(user_id, confirm_state, member_session_state, medias, tools, roles, device_type, seq_id,
           extra)
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
    RETURNING m."user_id" AS user_id`;
  return rows.map((row) => row.user_id);
}

/** A member row as /user/query shows it. */
export interface MemberRow extends MemberWrite {
  readonly sessionId: string;
  readonly invitedBy: string | null;
  readonly invitedAt: Date | null;
  readonly createdAt: Date;
}

interface MemberDbRow {
  session_id: string;
  user_id: string;
  confirm_state: ConfirmState;
  member_session_state: MemberSessionState;
  medias: number[] | null;
  tools: StoredTool[] | null;
  roles: number[] | null;
  device_type: number;
  seq_id: number;
  extra: string;
  invited_by: string | null;
  invited_at: Date | null;
  created_at: Date;
}

/**
 * ONE statement for any number of sessions: their members, ordered by session, then by when they
 * joined (created_at), then userId. An empty list sends nothing.
 */
export async function listSessionMembers(
  db: DbExecutor,
  query: { readonly appId: string; readonly sessionIds: readonly string[] },
): Promise<MemberRow[]> {
  if (query.sessionIds.length === 0) return [];
  const rows = await db.$queryRaw<MemberDbRow[]>`
    SELECT m."session_id" AS session_id, m."user_id" AS user_id,
           m."confirm_state"::text AS confirm_state,
           m."member_session_state"::text AS member_session_state,
           m."medias" AS medias, m."tools" AS tools, m."roles" AS roles,
           m."device_type" AS device_type, m."seq_id" AS seq_id, m."extra" AS extra,
           m."invited_by" AS invited_by, m."invited_at" AS invited_at, m."created_at" AS created_at
    FROM "session_member" m
    WHERE m."app_id" = ${query.appId}
      AND m."session_id" = ANY(${query.sessionIds}::bpchar[])
    ORDER BY m."session_id", m."created_at", m."user_id"`;
  return rows.map((row) => ({
    sessionId: row.session_id,
    userId: row.user_id,
    confirmState: row.confirm_state,
    memberSessionState: row.member_session_state,
    medias: row.medias ?? [],
    tools: Array.isArray(row.tools) ? row.tools : [],
    roles: row.roles ?? [],
    deviceType: row.device_type,
    seqId: row.seq_id,
    extra: row.extra,
    invitedBy: row.invited_by,
    invitedAt: row.invited_at,
    createdAt: row.created_at,
  }));
}

/**
 * ONE statement: moves one member from `from` to `to`, only if it is still in `from`, and clears
 * its calling deadline (no transition leads into MEMBER_CALLING: only an invite rings). With
 * `startSession`, a SESSION_SCHEDULE session becomes SESSION_START in the same statement once the
 * member moved. Reports what changed.
 */
export async function updateMemberState(
  db: DbExecutor,
  change: {
    readonly appId: string;
    readonly sessionId: string;
    readonly userId: string;
    readonly from: MemberSessionState;
    readonly to: MemberSessionState;
    readonly startSession?: boolean;
  },
): Promise<{ readonly moved: boolean; readonly sessionStarted: boolean }> {
  if (change.to === "MEMBER_CALLING") {
    throw new RangeError("updateMemberState: only an invite rings a member (it sets the deadline)");
  }
  const rows = await db.$queryRaw<{ moved: number; started: number }[]>`
    WITH moved AS (
      UPDATE "session_member" m
         SET "member_session_state" = ${change.to}::"member_session_state",
             "calling_deadline" = NULL,
             "updated_at" = now()
       WHERE m."app_id" = ${change.appId}
         AND m."session_id" = ${change.sessionId}
         AND m."user_id" = ${change.userId}
         AND m."member_session_state" = ${change.from}::"member_session_state"
      RETURNING m."user_id"
    ), started AS (
      UPDATE "session" s
         SET "state" = 'SESSION_START', "updated_at" = now()
       WHERE ${change.startSession === true}::boolean
         AND s."app_id" = ${change.appId}
         AND s."id" = ${change.sessionId}
         AND s."state" = 'SESSION_SCHEDULE'
         AND EXISTS (SELECT 1 FROM moved)
      RETURNING s."id"
    )
    SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM started)::int AS started`;
  const row = rows[0];
  return { moved: (row?.moved ?? 0) > 0, sessionStarted: (row?.started ?? 0) > 0 };
}

// The invite's statements: optimistic concurrency on session.event_seq (the domain's
// invite-session.ts explains why it is correct; packages/domain/README.md, "inviteSession").
//
// The invariant they rely on, kept by every writer: any change to a session's members or state
// (or to its collaboration's state or rules, which the invite also reads) advances the session's
// event_seq in the same transaction, and is made while holding the session's row lock, taken
// before any member row. Today: the invite (writeInviteIfUnchanged), /create (a new session),
// the member transitions and /session/end (lockSession in sessions.ts, then appendSessionEvents)
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
  /**
   * With busy detection on for this collaboration (its own `busyDetection`, else the default the
   * caller passes), each listed user who is MEMBER_TALKING in another live session of the app:
   * where (the most recently changed such session). Empty when busy detection is off.
   */
  readonly talkingElsewhere: readonly TalkingElsewhereRow[];
}

/** A user talking in another session of the app (busy detection). */
export interface TalkingElsewhereRow {
  readonly userId: string;
  readonly collaborationId: string;
  readonly sessionId: string;
}

interface InviteSnapshotRow {
  collaboration_state: CollaborationState | null;
  number_limit: number | null;
  calling_timeout_seconds: number | null;
  session_state: SessionState | null;
  event_seq: number | null;
  members: [string, MemberSessionState][] | null;
  n: number;
  talking: [string, string, string][] | null;
}

/**
 * ONE statement, no lock, whatever the number of users: the collaboration (state, member limit,
 * calling timeout) and the session (state, event_seq) in `appId` — the session only if it
 * belongs to `collaborationId` — the state of each listed user in the session, how many of
 * its members are in `countStates`, and, when busy detection is on (the collaboration's
 * `busy_detection`, or `busyDetectionDefault` when it has none), which listed users are
 * MEMBER_TALKING in another live session of the app (through the (app_id, user_id) index; when
 * off, the subquery's one-time filter skips it). One statement reads one snapshot, so the member
 * states and the count are exactly those of the session at `session.eventSeq`. The user list
 * (matched behind a sub-select) and the count's LIMIT (a parameter) keep the prepared statement
 * on its generic plan (README, "Which database").
 */
export async function readInviteSnapshot(
  db: DbExecutor,
  query: {
    readonly appId: string;
    readonly collaborationId: string;
    readonly sessionId: string;
    readonly userIds: readonly string[];
    readonly countStates: readonly MemberSessionState[];
    /** The count stops here: one more than any member limit is enough to refuse an invite. */
    readonly countUpTo: number;
    /** Busy detection for collaborations that set none (HIAR_BUSY_DETECTION); default off. */
    readonly busyDetectionDefault?: boolean;
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
               AND m."user_id" = ANY(ARRAY(SELECT unnest(${query.userIds}::text[])))) AS members,
           (SELECT count(*)::int
              FROM (SELECT 1
                      FROM "session_member" l
                     WHERE l."app_id" = s."app_id" AND l."session_id" = s."id"
                       AND l."member_session_state" = ANY(${query.countStates}::"member_session_state"[])
                     LIMIT ${query.countUpTo}::int) AS counted) AS n,
           (SELECT json_agg(json_build_array(b."user_id", bs."collaboration_id", b."session_id")
                            ORDER BY b."user_id", b."updated_at" DESC, b."session_id")
              FROM "session_member" b
              JOIN "session" bs ON bs."app_id" = b."app_id" AND bs."id" = b."session_id"
             WHERE coalesce(c."busy_detection", ${query.busyDetectionDefault ?? false}::boolean)
               AND b."app_id" = ${query.appId}
               AND b."user_id" = ANY(ARRAY(SELECT unnest(${query.userIds}::text[])))
               AND b."member_session_state" = 'MEMBER_TALKING'
               AND b."session_id" <> ${query.sessionId}::bpchar
               AND bs."state" <> 'SESSION_END') AS talking
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
    talkingElsewhere: firstPerUser(row?.talking ?? []),
  };
}

/** The first [userId, collaborationId, sessionId] of each user (rows come ordered by user). */
function firstPerUser(rows: readonly [string, string, string][]): TalkingElsewhereRow[] {
  const seen = new Set<string>();
  const out: TalkingElsewhereRow[] = [];
  for (const [userId, collaborationId, sessionId] of rows) {
    if (seen.has(userId)) continue;
    seen.add(userId);
    out.push({ userId, collaborationId, sessionId });
  }
  return out;
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
      -- The session's event_seq as locked: the newest (FOR UPDATE reads it), so the events'
      -- seqs follow from it and no join back to the bump below is needed.
      SELECT s."app_id", s."id", s."collaboration_id", s."event_seq"
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
                l."collaboration_id", l."event_seq" AS base_seq
    ), numbered AS MATERIALIZED (
      SELECT mv.*,
             mv.base_seq + row_number() OVER (PARTITION BY mv."app_id", mv."session_id"
                                              ORDER BY mv.deadline, mv."user_id")::int AS seq
      FROM moved mv
    ), bump AS (
      UPDATE "session" s
         SET "event_seq" = s."event_seq" + c.n
        FROM (SELECT mv."app_id", mv."session_id", count(*)::int AS n
                FROM moved mv GROUP BY mv."app_id", mv."session_id") c
       WHERE s."app_id" = c."app_id" AND s."id" = c."session_id"
    ), appended AS (
      -- Runs though nothing reads it (PostgreSQL runs every data-modifying CTE to completion).
      INSERT INTO "session_event"
        ("app_id", "session_id", "seq", "type", "actor_id", "subject_id", "from_state",
         "to_state", "trace_id", "payload")
      SELECT nb."app_id", nb."session_id", nb.seq, ${sweep.eventType},
             NULL, nb."user_id", 'MEMBER_CALLING', 'MEMBER_TIMEOUT', NULL,
             jsonb_build_object('collaborationID', nb."collaboration_id",
                                'invitedAt', to_jsonb(nb."invited_at"))
      FROM numbered nb
      ORDER BY nb."session_id", nb.seq
    )
    -- No join between the CTEs' outputs: estimated at one row each, such joins were planned as
    -- nested loops, quadratic in the batch (a third of a second for a backlog batch of 500).
    SELECT (SELECT count(*) FROM due)::int AS due,
           (SELECT coalesce(json_agg(json_build_object(
                     'appId', nb."app_id", 'sessionId', nb."session_id",
                     'userId', nb."user_id", 'seq', nb.seq,
                     'lateMs', extract(epoch FROM now() - nb.deadline) * 1000)), '[]'::json)
              FROM numbered nb) AS timed_out,
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
