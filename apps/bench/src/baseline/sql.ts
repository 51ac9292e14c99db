// The statements of the baseline, as named prepared statements (parsed and planned once per
// connection). They are the same SQL as packages/db's repositories run for the invite and for
// authentication, so the comparison isolates the framework, not the queries.

export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

export const FIND_SECRET: NamedStatement = {
  name: "bench_find_secret",
  text: `SELECT "secret" FROM "app" WHERE "id" = $1`,
};

/** Same semantics as @collab/db consumeNonce: one row per (app, nonce) while it is live. */
export const CONSUME_NONCE: NamedStatement = {
  name: "bench_consume_nonce",
  text: `
    INSERT INTO "nonce" ("app_id", "nonce", "expires_at")
    VALUES ($1, $2, $3)
    ON CONFLICT ("app_id", "nonce") DO UPDATE SET "expires_at" = EXCLUDED."expires_at"
      WHERE "nonce"."expires_at" < now()
    RETURNING 1 AS ok`,
};

/** $1 app, $2 collaboration, $3 session: locks the session row, reads the collaboration. */
export const LOCK_SESSION: NamedStatement = {
  name: "bench_lock_session",
  text: `
    WITH locked AS MATERIALIZED (
      SELECT s."id", s."state"
      FROM "session" s
      WHERE s."app_id" = $1 AND s."id" = $3 AND s."collaboration_id" = $2
      FOR UPDATE
    )
    SELECT c."id" AS collaboration_id, c."state"::text AS collaboration_state,
           c."number_limit" AS number_limit, l."id" AS session_id, l."state"::text AS session_state
    FROM (SELECT 1) AS one
    LEFT JOIN "collaboration" c ON c."app_id" = $1 AND c."id" = $2
    LEFT JOIN locked l ON true`,
};

/** $1 app, $2 session, $3 user ids: their states, and the session's live count. */
export const READ_MEMBER_STATES: NamedStatement = {
  name: "bench_read_member_states",
  text: `
    SELECT m."user_id" AS user_id, m."member_session_state"::text AS state,
           (SELECT count(*)::int FROM "session_member" l
             WHERE l."app_id" = $1 AND l."session_id" = $2
               AND l."member_session_state" IN ('MEMBER_CALLING', 'MEMBER_TALKING')) AS live
    FROM (SELECT 1) AS one
    LEFT JOIN "session_member" m
      ON m."app_id" = $1 AND m."session_id" = $2 AND m."user_id" = ANY($3::text[])`,
};

/** $1 app, $2 session, $3 inviter, $4… one array per column: inserts or re-rings members. */
export const UPSERT_MEMBERS: NamedStatement = {
  name: "bench_upsert_members",
  text: `
    INSERT INTO "session_member" AS m
      ("app_id", "session_id", "user_id", "confirm_state", "member_session_state", "medias",
       "tools", "roles", "device_type", "seq_id", "extra", "invited_by", "invited_at",
       "created_at", "updated_at")
    SELECT $1, $2, t.user_id, t.confirm_state, 'MEMBER_CALLING', t.medias::int[], t.tools,
           t.roles::int[], t.device_type, t.seq_id, t.extra, $3, now(), now(), now()
    FROM unnest($4::text[], $5::"confirm_state"[], $6::text[], $7::jsonb[], $8::text[], $9::int[],
                $10::int[], $11::text[])
      AS t(user_id, confirm_state, medias, tools, roles, device_type, seq_id, extra)
    ON CONFLICT ("session_id", "user_id") DO UPDATE SET
      "confirm_state" = EXCLUDED."confirm_state",
      "member_session_state" = EXCLUDED."member_session_state",
      "medias" = EXCLUDED."medias", "tools" = EXCLUDED."tools", "roles" = EXCLUDED."roles",
      "device_type" = EXCLUDED."device_type", "seq_id" = EXCLUDED."seq_id",
      "extra" = EXCLUDED."extra", "invited_by" = EXCLUDED."invited_by",
      "invited_at" = EXCLUDED."invited_at", "updated_at" = EXCLUDED."updated_at"
    WHERE m."member_session_state" NOT IN ('MEMBER_CALLING', 'MEMBER_TALKING')
    RETURNING m."user_id"`,
};

/**
 * $1 app, $2 session, $3 user ids, $4 timeout seconds: one calling-timeout job per rung member,
 * the same statement as packages/db's scheduleCallingTimeouts (graphile-worker's add_jobs).
 */
export const SCHEDULE_TIMEOUTS: NamedStatement = {
  name: "bench_schedule_timeouts",
  text: `
    SELECT count(*)::int AS n
    FROM graphile_worker.add_jobs(ARRAY(
      SELECT ROW('member_timeout'::text,
                 json_build_object('appId', m."app_id", 'sessionId', m."session_id",
                                   'userId', m."user_id", 'invitedAt', m."invited_at"),
                 NULL::text, m."invited_at" + make_interval(secs => $4::float8), 20::int,
                 'member_timeout:' || m."session_id" || ':' || m."user_id", 0, NULL::text[]
             )::graphile_worker.job_spec
      FROM "session_member" m
      WHERE m."app_id" = $1 AND m."session_id" = $2 AND m."user_id" = ANY($3::text[])
        AND m."member_session_state" = 'MEMBER_CALLING' AND m."invited_at" IS NOT NULL
    ))`,
};

/** Whether the project's deployment installed the job queue the invite schedules timeouts in. */
export const HAS_JOB_QUEUE = `SELECT to_regnamespace('graphile_worker') IS NOT NULL AS present`;

/** $1 app, $2 session, $3 count, $4… one array per column: advances event_seq, appends events. */
export const APPEND_EVENTS: NamedStatement = {
  name: "bench_append_events",
  text: `
    WITH bump AS (
      UPDATE "session" SET "event_seq" = "event_seq" + $3::int
       WHERE "app_id" = $1 AND "id" = $2
      RETURNING "event_seq"
    )
    INSERT INTO "session_event"
      ("app_id", "session_id", "seq", "type", "actor_id", "subject_id", "from_state", "to_state",
       "trace_id", "payload")
    SELECT $1, $2, bump."event_seq" - $3::int + e.ord::int, e.type, e.actor_id, e.subject_id,
           e.from_state, 'MEMBER_CALLING', e.trace_id, e.payload
    FROM bump
    CROSS JOIN unnest($4::text[], $5::text[], $6::text[], $7::"member_session_state"[],
                      $8::text[], $9::jsonb[])
      WITH ORDINALITY AS e(type, actor_id, subject_id, from_state, trace_id, payload, ord)
    ORDER BY e.ord`,
};
