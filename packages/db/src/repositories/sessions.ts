import type {
  CollaborationState,
  MemberSessionState,
  RecordState,
  SessionState,
} from "../generated/prisma/client";
import type { DbExecutor } from "./executor";

export interface NewSession {
  readonly id: string;
  readonly appId: string;
  readonly collaborationId: string;
  readonly state: SessionState;
  readonly starterId: string;
  readonly beginTime: Date | null;
  readonly endTime: Date | null;
  readonly extra: string;
  readonly recordState: RecordState;
  /** Collaboration tools (protojson array), stored as jsonb. */
  readonly tools: readonly unknown[];
}

/** ONE statement: inserts a session (event_seq 0). Its collaboration must exist in the same app. */
export async function insertSession(db: DbExecutor, session: NewSession): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "session" ("id", "app_id", "collaboration_id", "state", "starter_id", "begin_time",
                           "end_time", "extra", "record_state", "tools", "event_seq",
                           "created_at", "updated_at")
    VALUES (${session.id}, ${session.appId}, ${session.collaborationId},
            ${session.state}::"session_state", ${session.starterId},
            ${session.beginTime}::timestamptz, ${session.endTime}::timestamptz, ${session.extra},
            ${session.recordState}::"record_state", ${JSON.stringify(session.tools)}::jsonb, 0,
            now(), now())`;
}

/** A session with its collaboration, as the console's session page shows it. */
export interface SessionDetailRow {
  readonly id: string;
  readonly collaborationId: string;
  readonly state: SessionState;
  readonly starterId: string;
  readonly createdAt: Date;
  /** The last event seq handed out (0 = no events yet). */
  readonly eventSeq: number;
  readonly collaboration: {
    readonly state: CollaborationState;
    readonly detail: string;
    readonly creatorId: string;
    readonly numberLimit: number;
    readonly createdAt: Date;
  };
}

interface SessionDetailDbRow {
  id: string;
  collaboration_id: string;
  state: SessionState;
  starter_id: string;
  created_at: Date;
  event_seq: number;
  collaboration_state: CollaborationState;
  detail: string;
  creator_id: string;
  number_limit: number;
  collaboration_created_at: Date;
}

/**
 * ONE statement: the app's session `sessionId` with its collaboration, or null when the app has
 * no such session (another app's session is not found either).
 */
export async function findSessionDetail(
  db: DbExecutor,
  key: { readonly appId: string; readonly sessionId: string },
): Promise<SessionDetailRow | null> {
  const rows = await db.$queryRaw<SessionDetailDbRow[]>`
    SELECT s."id" AS id, s."collaboration_id" AS collaboration_id, s."state"::text AS state,
           s."starter_id" AS starter_id, s."created_at" AS created_at, s."event_seq" AS event_seq,
           c."state"::text AS collaboration_state, c."detail" AS detail,
           c."creator_id" AS creator_id, c."number_limit" AS number_limit,
           c."created_at" AS collaboration_created_at
    FROM "session" s
    JOIN "collaboration" c ON c."app_id" = s."app_id" AND c."id" = s."collaboration_id"
    WHERE s."app_id" = ${key.appId} AND s."id" = ${key.sessionId}`;
  const row = rows[0];
  if (row === undefined) return null;
  return {
    id: row.id,
    collaborationId: row.collaboration_id,
    state: row.state,
    starterId: row.starter_id,
    createdAt: row.created_at,
    eventSeq: row.event_seq,
    collaboration: {
      state: row.collaboration_state,
      detail: row.detail,
      creatorId: row.creator_id,
      numberLimit: row.number_limit,
      createdAt: row.collaboration_created_at,
    },
  };
}

// The statements of the call lifecycle (accept, decline, busy, offline, leave, kickout, end; the
// calling timeout's sweep is sweepDueCallingTimeouts in members.ts). Every writer of a member's
// state locks its session row first (the invite's write with its compare-and-set UPDATE), so
// concurrent changes to one session queue and each reads states that stay true until it commits;
// each also advances the session's event_seq (appendSessionEvents), which the invite relies on
// (members.ts). The conditional UPDATEs are a second guard.

export interface LockedMemberRow {
  readonly userId: string;
  readonly memberSessionState: MemberSessionState;
  readonly roles: readonly number[];
  /** Who rang the member last (null: never rung, e.g. added by /create). */
  readonly invitedBy: string | null;
}

export interface LockedSession {
  /** Null when the app has no such collaboration. */
  readonly collaboration: {
    readonly id: string;
    readonly state: CollaborationState;
    readonly creatorId: string;
    /** The stored ruleSettings (protojson object). */
    readonly ruleSettings: unknown;
  } | null;
  /** Null when the app has no such session (in that collaboration); locked FOR UPDATE otherwise. */
  readonly session: {
    readonly id: string;
    readonly state: SessionState;
    readonly starterId: string;
    readonly collaborationId: string;
  } | null;
  /** The listed users that are members of the session. */
  readonly members: readonly LockedMemberRow[];
}

interface LockedSessionDbRow {
  collaboration_id: string | null;
  collaboration_state: CollaborationState | null;
  creator_id: string | null;
  rule_settings: unknown;
  session_id: string | null;
  session_state: SessionState | null;
  starter_id: string | null;
  session_collaboration_id: string | null;
  members: {
    userId: string;
    state: MemberSessionState;
    roles: number[] | null;
    invitedBy: string | null;
  }[];
}

/**
 * ONE statement: locks the session row (FOR UPDATE) until the transaction ends if it exists in
 * `appId` (and belongs to `collaborationId` when given), and reads its collaboration (the given
 * one, else the session's) and the listed users' member rows. Must run inside a transaction.
 * The one session lock: the lifecycle statements take it to read the states they change, the
 * invite's fallback under contention takes it (no users listed) so that what it reads next stays
 * true until it commits. The user list is matched behind a sub-select, as in readInviteSnapshot.
 */
export async function lockSession(
  db: DbExecutor,
  key: {
    readonly appId: string;
    readonly sessionId: string;
    /** Null: whichever collaboration the session belongs to (server-side callers). */
    readonly collaborationId: string | null;
    readonly userIds: readonly string[];
  },
): Promise<LockedSession> {
  const rows = await db.$queryRaw<LockedSessionDbRow[]>`
    WITH locked AS MATERIALIZED (
      SELECT s."id", s."state", s."starter_id", s."collaboration_id"
      FROM "session" s
      WHERE s."app_id" = ${key.appId}
        AND s."id" = ${key.sessionId}
        AND (${key.collaborationId}::text IS NULL OR s."collaboration_id" = ${key.collaborationId})
      FOR UPDATE
    )
    SELECT c."id" AS collaboration_id,
           c."state"::text AS collaboration_state,
           c."creator_id" AS creator_id,
           c."rule_settings" AS rule_settings,
           l."id" AS session_id,
           l."state"::text AS session_state,
           l."starter_id" AS starter_id,
           l."collaboration_id" AS session_collaboration_id,
           (SELECT coalesce(json_agg(json_build_object(
                     'userId', m."user_id", 'state', m."member_session_state",
                     'roles', m."roles", 'invitedBy', m."invited_by")), '[]'::json)
              FROM "session_member" m
             WHERE m."app_id" = ${key.appId}
               AND m."session_id" = l."id"
               AND m."user_id" = ANY(ARRAY(SELECT unnest(${key.userIds}::text[])))) AS members
    FROM (SELECT 1) AS one
    LEFT JOIN locked l ON true
    LEFT JOIN "collaboration" c
      ON c."app_id" = ${key.appId}
     AND c."id" = coalesce(${key.collaborationId}::text, l."collaboration_id")`;
  const row = rows[0];
  return {
    collaboration:
      row?.collaboration_id == null || row.collaboration_state === null
        ? null
        : {
            id: row.collaboration_id,
            state: row.collaboration_state,
            creatorId: row.creator_id ?? "",
            ruleSettings: row.rule_settings,
          },
    session:
      row?.session_id == null || row.session_state === null
        ? null
        : {
            id: row.session_id,
            state: row.session_state,
            starterId: row.starter_id ?? "",
            collaborationId: row.session_collaboration_id ?? "",
          },
    members: (row?.members ?? []).map((m) => ({
      userId: m.userId,
      memberSessionState: m.state,
      roles: m.roles ?? [],
      invitedBy: m.invitedBy ?? null,
    })),
  };
}

export interface EndedSession {
  /** Members moved to MEMBER_LEFT, in the order they joined, with their former state. */
  readonly members: readonly { readonly userId: string; readonly fromState: MemberSessionState }[];
  readonly sessionEnded: boolean;
  readonly collaborationEnded: boolean;
}

/**
 * ONE statement, whatever the number of members: every CALLING or TALKING member of the session
 * becomes MEMBER_LEFT, the session SESSION_END and, with `endCollaboration`, its collaboration
 * COLLABORATION_END. Run it with the session locked.
 */
export async function endSessionAndMembers(
  db: DbExecutor,
  end: {
    readonly appId: string;
    readonly sessionId: string;
    readonly collaborationId: string;
    readonly endCollaboration: boolean;
  },
): Promise<EndedSession> {
  const rows = await db.$queryRaw<
    {
      user_id: string | null;
      from_state: MemberSessionState | null;
      session_ended: number;
      collaboration_ended: number;
    }[]
  >`
    WITH live AS (
      SELECT m."user_id", m."member_session_state", m."created_at"
      FROM "session_member" m
      WHERE m."app_id" = ${end.appId}
        AND m."session_id" = ${end.sessionId}
        AND m."member_session_state" IN ('MEMBER_CALLING', 'MEMBER_TALKING')
      FOR UPDATE
    ), moved AS (
      UPDATE "session_member" m
         SET "member_session_state" = 'MEMBER_LEFT', "calling_deadline" = NULL, "updated_at" = now()
        FROM live
       WHERE m."app_id" = ${end.appId}
         AND m."session_id" = ${end.sessionId}
         AND m."user_id" = live."user_id"
      RETURNING m."user_id"
    ), ended AS (
      UPDATE "session" s
         SET "state" = 'SESSION_END', "updated_at" = now()
       WHERE s."app_id" = ${end.appId} AND s."id" = ${end.sessionId} AND s."state" <> 'SESSION_END'
      RETURNING s."id"
    ), collaboration_ended AS (
      UPDATE "collaboration" c
         SET "state" = 'COLLABORATION_END', "updated_at" = now()
       WHERE ${end.endCollaboration}::boolean
         AND c."app_id" = ${end.appId}
         AND c."id" = ${end.collaborationId}
         AND c."state" <> 'COLLABORATION_END'
      RETURNING c."id"
    )
    SELECT live."user_id" AS user_id,
           live."member_session_state"::text AS from_state,
           (SELECT count(*) FROM ended)::int AS session_ended,
           (SELECT count(*) FROM collaboration_ended)::int AS collaboration_ended
    FROM (SELECT 1) AS one
    LEFT JOIN live ON true
    ORDER BY live."created_at", live."user_id"`;
  const members: { userId: string; fromState: MemberSessionState }[] = [];
  for (const row of rows) {
    if (row.user_id !== null && row.from_state !== null) {
      members.push({ userId: row.user_id, fromState: row.from_state });
    }
  }
  return {
    members,
    sessionEnded: (rows[0]?.session_ended ?? 0) > 0,
    collaborationEnded: (rows[0]?.collaboration_ended ?? 0) > 0,
  };
}
