import type { ConfirmState, MemberSessionState } from "../generated/prisma/client";
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
