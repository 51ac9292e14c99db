-- CreateEnum
CREATE TYPE "webhook_outcome" AS ENUM ('DELIVERED', 'FAILED', 'ABANDONED');

-- CreateTable
CREATE TABLE "webhook_stream" (
    "app_id" TEXT NOT NULL,
    "session_id" CHAR(32) NOT NULL,
    "delivered_seq" INTEGER NOT NULL DEFAULT 0,
    "last_seq" INTEGER NOT NULL DEFAULT 0,
    "due_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "lease_token" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_stream_pkey" PRIMARY KEY ("app_id","session_id")
);

-- CreateTable
CREATE TABLE "webhook_attempt" (
    "id" BIGSERIAL NOT NULL,
    "app_id" TEXT NOT NULL,
    "session_id" CHAR(32) NOT NULL,
    "event_id" BIGINT NOT NULL,
    "seq" INTEGER NOT NULL,
    "event_type" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "outcome" "webhook_outcome" NOT NULL,
    "http_status" INTEGER,
    "duration_ms" INTEGER NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_stream_due_at_idx" ON "webhook_stream"("due_at");

-- CreateIndex
CREATE INDEX "webhook_attempt_app_id_id_idx" ON "webhook_attempt"("app_id", "id" DESC);

-- CreateIndex
CREATE INDEX "webhook_attempt_session_id_seq_idx" ON "webhook_attempt"("session_id", "seq");

-- AddForeignKey
ALTER TABLE "webhook_stream" ADD CONSTRAINT "webhook_stream_app_id_session_id_fkey" FOREIGN KEY ("app_id", "session_id") REFERENCES "session"("app_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_attempt" ADD CONSTRAINT "webhook_attempt_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "app"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Webhook outbox (hand-written: Prisma does not model triggers). session_event is the outbox;
-- webhook_stream is each session's delivery cursor. Every statement that appends events opens or
-- advances its session's stream in the same transaction while the app has a webhook URL, so no
-- event can be committed without reaching the outbox, whoever appends it, and the statement count
-- of the use cases does not change. A stream row is locked only for this upsert and by the
-- worker's short claim/ack statements (never during an HTTP call), so delivery never blocks the
-- request that appended the event.
CREATE FUNCTION "webhook_stream_enqueue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "webhook_stream" AS ws
    ("app_id", "session_id", "delivered_seq", "last_seq", "due_at", "created_at", "updated_at")
  SELECT e."app_id", e."session_id", min(e."seq") - 1, max(e."seq"), now(), now(), now()
    FROM "new_events" e
    JOIN "app" a ON a."id" = e."app_id" AND a."webhook_url" IS NOT NULL
   GROUP BY e."app_id", e."session_id"
  ON CONFLICT ("app_id", "session_id") DO UPDATE SET
    -- A stream that had delivered everything skips events appended while no URL was set.
    "delivered_seq" = CASE WHEN ws."delivered_seq" >= ws."last_seq"
                           THEN GREATEST(ws."delivered_seq", EXCLUDED."delivered_seq")
                           ELSE ws."delivered_seq" END,
    "last_seq" = GREATEST(ws."last_seq", EXCLUDED."last_seq"),
    -- Keep a backoff that is running: new events wait behind the failing one anyway.
    "due_at" = COALESCE(ws."due_at", now()),
    "updated_at" = now();
  RETURN NULL;
END
$$;

CREATE TRIGGER "session_event_webhook_outbox"
  AFTER INSERT ON "session_event"
  REFERENCING NEW TABLE AS "new_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "webhook_stream_enqueue"();
