import type {
  CollaborationState,
  MemberSessionState,
  SessionState,
} from "../generated/prisma/client";
import type { DbExecutor } from "./executor";

// The statements of the call lifecycle (accept, decline, busy, offline, leave, kickout, end; the
// calling timeout's sweep is in call-timeouts.ts). Every writer of a member's state locks its
// session row first (the invite's write with its compare-and-set UPDATE), so concurrent changes
// to one session queue and each reads states that stay true until it commits; each also advances
// the session's event_seq (appendSessionEvents), which the invite relies on (invites.ts). The
// conditional UPDATEs below are a second guard.

export interface LifecycleMemberRow {
  readonly userId: string;
  readonly memberSessionState: MemberSessionState;
  readonly roles: readonly number[];
}

export interface LockedLifecycleTarget {
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
  readonly members: readonly LifecycleMemberRow[];
}

interface LockedLifecycleDbRow {
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
  }[];
}

/**
 * ONE statement: locks the session row (FOR UPDATE) if it exists in `appId` (and belongs to
 * `collaborationId` when given), and reads its collaboration (the given one, else the session's)
 * and the listed users' member rows. Must run inside a transaction.
 */
export async function lockSessionForLifecycle(
  db: DbExecutor,
  key: {
    readonly appId: string;
    readonly sessionId: string;
    /** Null: whichever collaboration the session belongs to (server-side callers). */
    readonly collaborationId: string | null;
    readonly userIds: readonly string[];
  },
): Promise<LockedLifecycleTarget> {
  const rows = await db.$queryRaw<LockedLifecycleDbRow[]>`
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
                     'roles', m."roles")), '[]'::json)
              FROM "session_member" m
             WHERE m."app_id" = ${key.appId}
               AND m."session_id" = l."id"
               AND m."user_id" = ANY(${key.userIds}::text[])) AS members
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
    })),
  };
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
