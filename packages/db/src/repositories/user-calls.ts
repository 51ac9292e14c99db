import type { MemberSessionState, SessionState } from "../generated/prisma/client";
import type { DbExecutor } from "./executor";

// The calls of one user of an app, for the user channel: what is ringing or talking now (also
// what a device is sent when it connects) and the rings it recently missed. Both are one
// statement over the (app_id, user_id) index of session_member.

export interface UserCallRow {
  readonly collaborationId: string;
  readonly sessionId: string;
  readonly sessionState: SessionState;
  readonly collaborationDetail: string;
  readonly collaborationExtra: string;
  /** The user's own member row. */
  readonly memberSessionState: MemberSessionState;
  readonly medias: readonly number[];
  readonly tools: unknown;
  readonly roles: readonly number[];
  readonly extra: string;
  readonly deviceType: number;
  readonly invitedBy: string | null;
  readonly invitedAt: Date | null;
  readonly callingDeadline: Date | null;
  /** When the member row last changed (a missed ring: when it timed out). */
  readonly updatedAt: Date;
  /** The session's newest event seq when read (the user channel's resume point per session). */
  readonly eventSeq: number;
  /** Every member of the session (the user too), in the order they joined. */
  readonly members: readonly { userId: string; memberSessionState: MemberSessionState }[];
}

/** A row of the user-call statements (findUserCalls, findUserCallHistory). */
export interface UserCallDbRow {
  collaboration_id: string;
  session_id: string;
  session_state: SessionState;
  detail: string;
  collaboration_extra: string;
  member_session_state: MemberSessionState;
  medias: number[] | null;
  tools: unknown;
  roles: number[] | null;
  extra: string;
  device_type: number;
  invited_by: string | null;
  invited_at: Date | null;
  calling_deadline: Date | null;
  updated_at: Date;
  event_seq: number;
  members: { userId: string; state: MemberSessionState }[];
}

/**
 * ONE statement: the user's member rows in `states` (most recently changed first, at most
 * `limit`), changed at or after `since` when given, of sessions in `sessionStates`, each with its
 * session, collaboration and every member's state.
 */
export async function findUserCalls(
  db: DbExecutor,
  query: {
    readonly appId: string;
    readonly userId: string;
    readonly states: readonly MemberSessionState[];
    readonly sessionStates: readonly SessionState[];
    readonly since?: Date;
    readonly limit: number;
  },
): Promise<UserCallRow[]> {
  const rows = await db.$queryRaw<UserCallDbRow[]>`
    SELECT c."id" AS collaboration_id,
           s."id" AS session_id,
           s."state"::text AS session_state,
           c."detail" AS detail,
           c."extra" AS collaboration_extra,
           m."member_session_state"::text AS member_session_state,
           m."medias", m."tools", m."roles", m."extra",
           m."device_type", m."invited_by", m."invited_at", m."calling_deadline", m."updated_at",
           s."event_seq",
           (SELECT coalesce(json_agg(json_build_object(
                     'userId', o."user_id", 'state', o."member_session_state")
                     ORDER BY o."created_at", o."user_id"), '[]'::json)
              FROM "session_member" o
             WHERE o."app_id" = m."app_id" AND o."session_id" = m."session_id") AS members
    FROM "session_member" m
    JOIN "session" s ON s."app_id" = m."app_id" AND s."id" = m."session_id"
    JOIN "collaboration" c ON c."app_id" = s."app_id" AND c."id" = s."collaboration_id"
    WHERE m."app_id" = ${query.appId}
      AND m."user_id" = ${query.userId}
      AND m."member_session_state"::text = ANY(${query.states}::text[])
      AND s."state"::text = ANY(${query.sessionStates}::text[])
      AND (${query.since ?? null}::timestamptz IS NULL OR m."updated_at" >= ${query.since ?? null}::timestamptz)
    ORDER BY m."updated_at" DESC, m."session_id"
    LIMIT ${query.limit}`;
  return rows.map(toUserCallRow);
}

/** The one mapping of a user-call row. */
export function toUserCallRow(row: UserCallDbRow): UserCallRow {
  return {
    collaborationId: row.collaboration_id,
    sessionId: row.session_id,
    sessionState: row.session_state,
    collaborationDetail: row.detail,
    collaborationExtra: row.collaboration_extra,
    memberSessionState: row.member_session_state,
    medias: row.medias ?? [],
    tools: row.tools,
    roles: row.roles ?? [],
    extra: row.extra,
    deviceType: row.device_type,
    invitedBy: row.invited_by,
    invitedAt: row.invited_at,
    callingDeadline: row.calling_deadline,
    updatedAt: row.updated_at,
    eventSeq: Number(row.event_seq),
    members: row.members.map((o) => ({ userId: o.userId, memberSessionState: o.state })),
  };
}
