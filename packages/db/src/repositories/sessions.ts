import type { CollaborationState, RecordState, SessionState } from "../generated/prisma/client";
import type { DbExecutor } from "./executor";

export interface SessionKey {
  readonly appId: string;
  readonly collaborationId: string;
  readonly sessionId: string;
}

/** A collaboration and one of its sessions, as the invite checks them. */
export interface LockedSessionTarget {
  /** Null when the app has no such collaboration. */
  readonly collaboration: {
    readonly id: string;
    readonly state: CollaborationState;
    /** ruleSettings.numberLimit as stored (0 = none of its own). */
    readonly numberLimit: number;
    /** ruleSettings.callingTimeout as stored, in seconds (0 = the deployment's default). */
    readonly callingTimeoutSeconds: number;
  } | null;
  /**
   * Null when the app has no such session in that collaboration (absent, another app's, or
   * another collaboration's). When present, its row is locked (FOR UPDATE) until the
   * transaction ends.
   */
  readonly session: {
    readonly id: string;
    readonly state: SessionState;
    /** Last event seq handed out. */
    readonly eventSeq: number;
  } | null;
}

interface LockedSessionTargetRow {
  collaboration_id: string | null;
  collaboration_state: CollaborationState | null;
  number_limit: number | null;
  calling_timeout_seconds: number | null;
  session_id: string | null;
  session_state: SessionState | null;
  event_seq: number | null;
}

/**
 * ONE statement: locks the session row (SELECT … FOR UPDATE) if it exists in `appId` and belongs
 * to `collaborationId`, and reads the collaboration beside it (state, member limit, calling
 * timeout). Concurrent callers for one session queue on the lock, so whatever they read next
 * (member states, counts) is current until commit. Must run inside a transaction (the lock lasts
 * until it ends).
 */
export async function lockSessionWithCollaboration(
  db: DbExecutor,
  key: SessionKey,
): Promise<LockedSessionTarget> {
  const rows = await db.$queryRaw<LockedSessionTargetRow[]>`
    WITH locked AS MATERIALIZED (
      SELECT s."id", s."state", s."event_seq"
      FROM "session" s
      WHERE s."app_id" = ${key.appId}
        AND s."id" = ${key.sessionId}
        AND s."collaboration_id" = ${key.collaborationId}
      FOR UPDATE
    )
    SELECT c."id" AS collaboration_id,
           c."state"::text AS collaboration_state,
           c."number_limit" AS number_limit,
           c."calling_timeout_seconds" AS calling_timeout_seconds,
           l."id" AS session_id,
           l."state"::text AS session_state,
           l."event_seq" AS event_seq
    FROM (SELECT 1) AS one
    LEFT JOIN "collaboration" c ON c."app_id" = ${key.appId} AND c."id" = ${key.collaborationId}
    LEFT JOIN locked l ON true`;
  const row = rows[0];
  return {
    collaboration:
      row?.collaboration_id == null || row.collaboration_state === null
        ? null
        : {
            id: row.collaboration_id,
            state: row.collaboration_state,
            numberLimit: row.number_limit ?? 0,
            callingTimeoutSeconds: row.calling_timeout_seconds ?? 0,
          },
    session:
      row?.session_id == null || row.session_state === null
        ? null
        : { id: row.session_id, state: row.session_state, eventSeq: row.event_seq ?? 0 },
  };
}

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
