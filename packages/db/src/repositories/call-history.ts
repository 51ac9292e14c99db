import type { MemberSessionState } from "../generated/prisma/client";
import type { DbExecutor } from "./executor";
import { toUserCallRow, type UserCallDbRow, type UserCallRow } from "./user-calls";

// A user's call history (POST /user/calls, the console's missed calls): the sessions of the app
// the user was rung in, newest ring first, each with the last event about the user there (what
// the domain's outcome rule reads). ONE statement over the (app_id, user_id) index.

/** A call as read, with the facts its outcome is decided from. */
export interface UserCallHistoryRow extends UserCallRow {
  /** Type of the last event about the user in the session (null: none). */
  readonly lastEventType: string | null;
  /** The state that event moved the user from. */
  readonly lastFromState: MemberSessionState | null;
}

/** A position in the history: the ring's time and its session (the order's tie-break). */
export interface CallHistoryPosition {
  readonly invitedAt: Date;
  readonly sessionId: string;
}

/** Combinations of (state, last event type, last from-state) to keep; "" = any other / none. */
export interface CallHistoryKeys {
  readonly states: readonly string[];
  readonly eventTypes: readonly string[];
  readonly fromStates: readonly string[];
}

/**
 * ONE statement: the user's member rows that were rung (invited_at set), newest ring first
 * (invited_at, then session id, both descending), rung at or after `since` and before `until`
 * when given, strictly after `after` in that order when given, at most `limit`; each with its
 * session, collaboration, every member's state, and the last event about the user in the session
 * (through the (session_id, seq) index). Only rows whose (state, last event type — when one of
 * `distinctTypes`, else "" —, last from-state or "") is one of `keys` are returned.
 */
export async function findUserCallHistory(
  db: DbExecutor,
  query: {
    readonly appId: string;
    readonly userId: string;
    readonly since: Date | null;
    readonly until: Date | null;
    readonly after: CallHistoryPosition | null;
    /** Event types the keys name; any other type matches "". */
    readonly distinctTypes: readonly string[];
    readonly keys: CallHistoryKeys;
    readonly limit: number;
  },
): Promise<UserCallHistoryRow[]> {
  const rows = await db.$queryRaw<
    (UserCallDbRow & { last_type: string | null; last_from_state: MemberSessionState | null })[]
  >`
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
             WHERE o."app_id" = m."app_id" AND o."session_id" = m."session_id") AS members,
           le."type" AS last_type,
           le."from_state"::text AS last_from_state
    FROM "session_member" m
    JOIN "session" s ON s."app_id" = m."app_id" AND s."id" = m."session_id"
    JOIN "collaboration" c ON c."app_id" = s."app_id" AND c."id" = s."collaboration_id"
    LEFT JOIN LATERAL (
      SELECT e."type", e."from_state"
      FROM "session_event" e
      WHERE e."session_id" = m."session_id" AND e."app_id" = m."app_id"
        AND e."subject_id" = m."user_id"
      ORDER BY e."seq" DESC
      LIMIT 1
    ) le ON true
    WHERE m."app_id" = ${query.appId}
      AND m."user_id" = ${query.userId}
      AND m."invited_at" IS NOT NULL
      AND (${query.since}::timestamptz IS NULL OR m."invited_at" >= ${query.since}::timestamptz)
      AND (${query.until}::timestamptz IS NULL OR m."invited_at" < ${query.until}::timestamptz)
      AND (${query.after?.invitedAt ?? null}::timestamptz IS NULL
           OR (m."invited_at", m."session_id")
              < (${query.after?.invitedAt ?? null}::timestamptz, ${query.after?.sessionId ?? ""}::bpchar))
      AND (m."member_session_state"::text,
           CASE WHEN le."type" = ANY(${query.distinctTypes}::text[]) THEN le."type" ELSE '' END,
           coalesce(le."from_state"::text, ''))
          IN (SELECT * FROM unnest(${query.keys.states}::text[], ${query.keys.eventTypes}::text[],
                                   ${query.keys.fromStates}::text[]))
    ORDER BY m."invited_at" DESC, m."session_id" DESC
    LIMIT ${query.limit}::int`;
  return rows.map((row) => ({
    ...toUserCallRow(row),
    lastEventType: row.last_type,
    lastFromState: row.last_from_state,
  }));
}
