import type { DbExecutor } from "./executor";

/** graphile-worker task that fires a member's calling timeout. */
export const MEMBER_TIMEOUT_TASK = "member_timeout";

/** What a calling-timeout job carries: the ring it belongs to. */
export interface MemberTimeoutPayload {
  readonly appId: string;
  readonly sessionId: string;
  readonly userId: string;
  /**
   * The ring's invited_at as PostgreSQL rendered it (ISO 8601, milliseconds): the job fires only
   * while the member is still CALLING from this very ring.
   */
  readonly invitedAt: string;
}

/** Retries of a timeout job whose handler failed (e.g. the database was briefly down). */
const TIMEOUT_JOB_MAX_ATTEMPTS = 20;

/**
 * ONE statement for any number of members: adds a graphile-worker job per listed member that is
 * MEMBER_CALLING, due at its invited_at + `timeoutSeconds`, carrying that invited_at. Run it in
 * the transaction that rang them (after the member write), so the jobs commit or roll back with
 * the ring. The job key (one per session and user) replaces a pending job of an earlier ring.
 * Returns the number of jobs added. An empty list sends nothing.
 */
export async function scheduleCallingTimeouts(
  db: DbExecutor,
  schedule: {
    readonly appId: string;
    readonly sessionId: string;
    readonly userIds: readonly string[];
    /** Seconds after invited_at (fractions allowed). */
    readonly timeoutSeconds: number;
  },
): Promise<number> {
  if (schedule.userIds.length === 0) return 0;
  if (!(schedule.timeoutSeconds > 0)) {
    throw new RangeError(`scheduleCallingTimeouts: timeout ${schedule.timeoutSeconds} s`);
  }
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n
    FROM graphile_worker.add_jobs(ARRAY(
      SELECT ROW(
               ${MEMBER_TIMEOUT_TASK}::text,
               json_build_object('appId', m."app_id", 'sessionId', m."session_id",
                                 'userId', m."user_id", 'invitedAt', m."invited_at"),
               NULL::text,
               m."invited_at" + make_interval(secs => ${schedule.timeoutSeconds}::float8),
               ${TIMEOUT_JOB_MAX_ATTEMPTS}::int,
               ${MEMBER_TIMEOUT_TASK} || ':' || m."session_id" || ':' || m."user_id",
               0,
               NULL::text[]
             )::graphile_worker.job_spec
      FROM "session_member" m
      WHERE m."app_id" = ${schedule.appId}
        AND m."session_id" = ${schedule.sessionId}
        AND m."user_id" = ANY(${schedule.userIds}::text[])
        AND m."member_session_state" = 'MEMBER_CALLING'
        AND m."invited_at" IS NOT NULL
    ))`;
  return rows[0]?.n ?? 0;
}
