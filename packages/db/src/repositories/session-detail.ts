import type { CollaborationState, SessionState } from "../generated/prisma/client";
import type { DbExecutor } from "./executor";

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
