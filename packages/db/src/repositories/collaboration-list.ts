import type {
  CollaborationState,
  MemberSessionState,
  SessionState,
} from "../generated/prisma/client";
import type { DbExecutor } from "./executor";

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
