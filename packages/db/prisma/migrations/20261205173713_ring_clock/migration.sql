-- AlterTable
ALTER TABLE "session_member" ADD COLUMN     "calling_deadline" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "periodic_task" (
    "name" TEXT NOT NULL,
    "last_run_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "periodic_task_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "session_member_calling_deadline_idx" ON "session_member"("calling_deadline") WHERE (member_session_state = 'MEMBER_CALLING'::member_session_state);

-- The ring clock (hand-written below): a ringing member's calling timeout is now its row's
-- calling_deadline, swept by the workers, instead of one graphile-worker job per member. Drain
-- what the job queue still holds: every member ringing now gets the due time of its pending job
-- (job key member_timeout:<session>:<user>, one per member, replaced on a re-ring), so a ring keeps
-- the timeout it was given; a stuck or exhausted job's run_at is in the past, so that member times
-- out at the first sweep. Without a job (or without the job queue's schema: a fresh database, or
-- PGlite before it was installed) the deadline is invited_at + the collaboration's own timeout,
-- else 60 s (the deployment's HIAR_CALLING_TIMEOUT_SECONDS is not known to SQL).
DO $$
BEGIN
  IF to_regclass('graphile_worker._private_jobs') IS NOT NULL THEN
    EXECUTE $drain$
      UPDATE "session_member" m
         SET "calling_deadline" = j."run_at"
        FROM "graphile_worker"."_private_jobs" j
       WHERE j."key" = 'member_timeout:' || m."session_id" || ':' || m."user_id"
         AND m."member_session_state" = 'MEMBER_CALLING'
    $drain$;
  END IF;
END
$$;

UPDATE "session_member" m
   SET "calling_deadline" = coalesce(m."invited_at", now())
         + make_interval(secs => CASE WHEN c."calling_timeout_seconds" > 0
                                      THEN c."calling_timeout_seconds" ELSE 60 END)
  FROM "session" s
  JOIN "collaboration" c ON c."app_id" = s."app_id" AND c."id" = s."collaboration_id"
 WHERE s."app_id" = m."app_id"
   AND s."id" = m."session_id"
   AND m."member_session_state" = 'MEMBER_CALLING'
   AND m."calling_deadline" IS NULL;

-- Nothing uses the job queue any more (its maintenance cron became the periodic_task table).
DROP SCHEMA IF EXISTS "graphile_worker" CASCADE;
