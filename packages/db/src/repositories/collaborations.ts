import type {
  CollaborationState,
  MemberSessionState,
  RecordState,
  SessionState,
} from "../generated/prisma/client";
import type { DbExecutor } from "./executor";
import type { StoredTool } from "./members";

export interface NewCollaboration {
  readonly id: string;
  readonly appId: string;
  readonly creatorId: string;
  readonly detail: string;
  readonly extra: string;
  readonly beginTime: Date | null;
  readonly endTime: Date | null;
  readonly state: CollaborationState;
  /** The request's ruleSettings (a JSON object), stored as jsonb. */
  readonly ruleSettings: unknown;
  readonly numberLimit: number;
  readonly confirmControl: boolean;
  /** ruleSettings.callingTimeout: seconds, 1–86400; 0 = the deployment's default. */
  readonly callingTimeoutSeconds: number;
  /** ruleSettings.busyDetection: true/false as sent; null (absent) = the deployment's default. */
  readonly busyDetection?: boolean | null;
}

/** ONE statement: inserts a collaboration. */
export async function insertCollaboration(db: DbExecutor, c: NewCollaboration): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "collaboration" ("id", "app_id", "creator_id", "detail", "extra", "begin_time",
                                 "end_time", "state", "rule_settings", "number_limit",
                                 "confirm_control", "calling_timeout_seconds", "busy_detection",
                                 "created_at", "updated_at")
    VALUES (${c.id}, ${c.appId}, ${c.creatorId}, ${c.detail}, ${c.extra},
            ${c.beginTime}::timestamptz, ${c.endTime}::timestamptz,
            ${c.state}::"collaboration_state", ${JSON.stringify(c.ruleSettings ?? {})}::jsonb,
            ${c.numberLimit}::int, ${c.confirmControl}::boolean, ${c.callingTimeoutSeconds}::int,
            ${c.busyDetection ?? null}::boolean, now(), now())`;
}

/** A collaboration with its current session, as /user/query lists them. */
export interface CollaborationWithSessionRow {
  readonly id: string;
  readonly creatorId: string;
  readonly detail: string;
  readonly extra: string;
  readonly beginTime: Date | null;
  readonly endTime: Date | null;
  readonly state: CollaborationState;
  readonly ruleSettings: unknown;
  readonly createdAt: Date;
  readonly session: {
    readonly id: string;
    readonly state: SessionState;
    readonly starterId: string;
    readonly beginTime: Date | null;
    readonly endTime: Date | null;
    readonly extra: string;
    readonly recordState: RecordState;
    readonly tools: readonly StoredTool[];
  };
}

export interface CollaborationsOfMemberQuery {
  readonly appId: string;
  readonly userId: string;
  /**
   * Window start; null = unbounded. A collaboration is in the window when its own interval
   * [begin_time, end_time] (NULL = open on that side) overlaps [windowBegin, windowEnd], ends
   * included.
   */
  readonly windowBegin: Date | null;
  /** Window end; null = unbounded. */
  readonly windowEnd: Date | null;
  /** States to leave out (e.g. COLLABORATION_END when history is not wanted). */
  readonly excludeStates: readonly CollaborationState[];
  readonly limit: number;
  readonly offset: number;
}

interface CollaborationWithSessionDbRow {
  id: string;
  creator_id: string;
  detail: string;
  extra: string;
  begin_time: Date | null;
  end_time: Date | null;
  state: CollaborationState;
  rule_settings: unknown;
  created_at: Date;
  session_id: string;
  session_state: SessionState;
  starter_id: string;
  session_begin_time: Date | null;
  session_end_time: Date | null;
  session_extra: string;
  record_state: RecordState;
  session_tools: StoredTool[] | null;
}

/**
 * ONE statement: a page of the app's collaborations whose current session (its newest) has
 * `userId` as a member, newest first (created_at DESC, id DESC), filtered by the window and the
 * excluded states. Driven by the (app_id, user_id) index of session_member.
 */
export async function findCollaborationsOfMember(
  db: DbExecutor,
  query: CollaborationsOfMemberQuery,
): Promise<CollaborationWithSessionRow[]> {
  const rows = await db.$queryRaw<CollaborationWithSessionDbRow[]>`
    SELECT c."id" AS id, c."creator_id" AS creator_id, c."detail" AS detail, c."extra" AS extra,
           c."begin_time" AS begin_time, c."end_time" AS end_time, c."state"::text AS state,
           c."rule_settings" AS rule_settings, c."created_at" AS created_at,
           s."id" AS session_id, s."state"::text AS session_state, s."starter_id" AS starter_id,
           s."begin_time" AS session_begin_time, s."end_time" AS session_end_time,
           s."extra" AS session_extra, s."record_state"::text AS record_state,
           s."tools" AS session_tools
    FROM "session_member" m
    JOIN "session" s ON s."app_id" = m."app_id" AND s."id" = m."session_id"
    JOIN "collaboration" c ON c."app_id" = s."app_id" AND c."id" = s."collaboration_id"
    WHERE m."app_id" = ${query.appId}
      AND m."user_id" = ${query.userId}
      AND NOT EXISTS (
        SELECT 1 FROM "session" newer
        WHERE newer."app_id" = s."app_id"
          AND newer."collaboration_id" = s."collaboration_id"
          AND (newer."created_at", newer."id") > (s."created_at", s."id")
      )
      AND c."state" <> ALL(${query.excludeStates}::"collaboration_state"[])
      AND (${query.windowEnd}::timestamptz IS NULL OR c."begin_time" IS NULL
           OR c."begin_time" <= ${query.windowEnd}::timestamptz)
      AND (${query.windowBegin}::timestamptz IS NULL OR c."end_time" IS NULL
           OR c."end_time" >= ${query.windowBegin}::timestamptz)
    ORDER BY c."created_at" DESC, c."id" DESC
    LIMIT ${query.limit}::int OFFSET ${query.offset}::int`;
  return rows.map((row) => ({
    id: row.id,
    creatorId: row.creator_id,
    detail: row.detail,
    extra: row.extra,
    beginTime: row.begin_time,
    endTime: row.end_time,
    state: row.state,
    ruleSettings: row.rule_settings,
    createdAt: row.created_at,
    session: {
      id: row.session_id,
      state: row.session_state,
      starterId: row.starter_id,
      beginTime: row.session_begin_time,
      endTime: row.session_end_time,
      extra: row.session_extra,
      recordState: row.record_state,
      tools: Array.isArray(row.session_tools) ? row.session_tools : [],
    },
  }));
}

/** A collaboration as the console lists it: its current session and member counts. */
export interface CollaborationListRow {
  readonly id: string;
  readonly state: CollaborationState;
  readonly detail: string;
  readonly creatorId: string;
  readonly numberLimit: number;
  readonly createdAt: Date;
  /** The current session (the newest); null only if a collaboration has none. */
  readonly session: {
    readonly id: string;
    readonly state: SessionState;
    readonly liveMembers: number;
    readonly totalMembers: number;
  } | null;
}

export interface CollaborationListPage {
  readonly rows: readonly CollaborationListRow[];
  /** How many collaborations the app has in all. */
  readonly total: number;
}

interface CollaborationListDbRow {
  total: number;
  id: string | null;
  state: CollaborationState | null;
  detail: string | null;
  creator_id: string | null;
  number_limit: number | null;
  created_at: Date | null;
  session_id: string | null;
  session_state: SessionState | null;
  live_members: number | null;
  total_members: number | null;
}

/**
 * ONE statement: a page of the app's collaborations, newest first (created_at DESC, id DESC, the
 * (app_id, created_at DESC) index), each with its current session (the newest, as /user/query
 * decides) and that session's live (`liveStates`) and total member counts, plus the app's total
 * (returned even when the page is past the end).
 */
export async function listCollaborationsOfApp(
  db: DbExecutor,
  query: {
    readonly appId: string;
    readonly limit: number;
    readonly offset: number;
    readonly liveStates: readonly MemberSessionState[];
  },
): Promise<CollaborationListPage> {
  const rows = await db.$queryRaw<CollaborationListDbRow[]>`
    WITH total AS (
      SELECT count(*)::int AS n FROM "collaboration" WHERE "app_id" = ${query.appId}
    ), page AS (
      SELECT c."id", c."app_id", c."state", c."detail", c."creator_id", c."number_limit",
             c."created_at"
      FROM "collaboration" c
      WHERE c."app_id" = ${query.appId}
      ORDER BY c."created_at" DESC, c."id" DESC
      LIMIT ${query.limit}::int OFFSET ${query.offset}::int
    )
    SELECT total.n AS total, p."id" AS id, p."state"::text AS state, p."detail" AS detail,
           p."creator_id" AS creator_id, p."number_limit" AS number_limit,
           p."created_at" AS created_at, s."id" AS session_id, s."state"::text AS session_state,
           counts.live AS live_members, counts.members AS total_members
    FROM total
    LEFT JOIN page p ON true
    LEFT JOIN LATERAL (
      SELECT s."id", s."state", s."app_id"
      FROM "session" s
      WHERE s."app_id" = p."app_id" AND s."collaboration_id" = p."id"
      ORDER BY s."created_at" DESC, s."id" DESC
      LIMIT 1
    ) s ON true
    LEFT JOIN LATERAL (
      SELECT count(*)::int AS members,
             (count(*) FILTER (
               WHERE m."member_session_state" = ANY(${query.liveStates}::"member_session_state"[])
             ))::int AS live
      FROM "session_member" m
      WHERE m."app_id" = s."app_id" AND m."session_id" = s."id"
    ) counts ON s."id" IS NOT NULL
    ORDER BY p."created_at" DESC, p."id" DESC`;
  const page: CollaborationListRow[] = [];
  for (const row of rows) {
    if (row.id === null || row.state === null || row.created_at === null) continue;
    page.push({
      id: row.id,
      state: row.state,
      detail: row.detail ?? "",
      creatorId: row.creator_id ?? "",
      numberLimit: row.number_limit ?? 0,
      createdAt: row.created_at,
      session:
        row.session_id === null || row.session_state === null
          ? null
          : {
              id: row.session_id,
              state: row.session_state,
              liveMembers: row.live_members ?? 0,
              totalMembers: row.total_members ?? 0,
            },
    });
  }
  return { rows: page, total: rows[0]?.total ?? 0 };
}
