-- CreateEnum
CREATE TYPE "collaboration_state" AS ENUM ('COLLABORATION_UNSPECIFIED', 'COLLABORATION_START', 'COLLABORATION_END');

-- CreateEnum
CREATE TYPE "session_state" AS ENUM ('SESSION_UNSPECIFIED', 'SESSION_SCHEDULE', 'SESSION_START', 'SESSION_END');

-- CreateEnum
CREATE TYPE "record_state" AS ENUM ('RECORD_STATE_UNSPECIFIED');

-- CreateEnum
CREATE TYPE "confirm_state" AS ENUM ('CONFIRM_UNSPECIFIED', 'CONFIRM_ACCEPT', 'CONFIRM_REJECT');

-- CreateEnum
CREATE TYPE "member_session_state" AS ENUM ('MEMBER_UNSPECIFIED', 'MEMBER_CALLING', 'MEMBER_TALKING', 'MEMBER_LEFT', 'MEMBER_TIMEOUT', 'MEMBER_BUSY', 'MEMBER_OFFLINE', 'MEMBER_KICKOUT', 'MEMBER_DECLINE');

-- CreateTable
CREATE TABLE "app" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "webhook_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "collaboration" (
    "id" CHAR(32) NOT NULL,
    "app_id" TEXT NOT NULL,
    "creator_id" TEXT NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '',
    "extra" TEXT NOT NULL DEFAULT '',
    "begin_time" TIMESTAMPTZ(3),
    "end_time" TIMESTAMPTZ(3),
    "state" "collaboration_state" NOT NULL DEFAULT 'COLLABORATION_START',
    "rule_settings" JSONB NOT NULL DEFAULT '{}',
    "number_limit" INTEGER NOT NULL DEFAULT 0,
    "confirm_control" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "collaboration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session" (
    "id" CHAR(32) NOT NULL,
    "app_id" TEXT NOT NULL,
    "collaboration_id" CHAR(32) NOT NULL,
    "state" "session_state" NOT NULL DEFAULT 'SESSION_SCHEDULE',
    "starter_id" TEXT NOT NULL DEFAULT '',
    "begin_time" TIMESTAMPTZ(3),
    "end_time" TIMESTAMPTZ(3),
    "extra" TEXT NOT NULL DEFAULT '',
    "record_state" "record_state" NOT NULL DEFAULT 'RECORD_STATE_UNSPECIFIED',
    "tools" JSONB NOT NULL DEFAULT '[]',
    "event_seq" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session_member" (
    "app_id" TEXT NOT NULL,
    "session_id" CHAR(32) NOT NULL,
    "user_id" TEXT NOT NULL,
    "confirm_state" "confirm_state" NOT NULL DEFAULT 'CONFIRM_UNSPECIFIED',
    "member_session_state" "member_session_state" NOT NULL DEFAULT 'MEMBER_UNSPECIFIED',
    "medias" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "tools" JSONB NOT NULL DEFAULT '[]',
    "roles" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "device_type" INTEGER NOT NULL DEFAULT 0,
    "seq_id" INTEGER NOT NULL DEFAULT 0,
    "extra" TEXT NOT NULL DEFAULT '',
    "invited_by" TEXT,
    "invited_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "session_member_pkey" PRIMARY KEY ("session_id","user_id")
);

-- CreateTable
CREATE TABLE "session_event" (
    "id" BIGSERIAL NOT NULL,
    "app_id" TEXT NOT NULL,
    "session_id" CHAR(32) NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actor_id" TEXT,
    "subject_id" TEXT,
    "from_state" "member_session_state",
    "to_state" "member_session_state",
    "trace_id" TEXT,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "session_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "nonce" (
    "app_id" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "nonce_pkey" PRIMARY KEY ("app_id","nonce")
);

-- CreateIndex
CREATE INDEX "collaboration_app_id_created_at_idx" ON "collaboration"("app_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "collaboration_app_id_id_key" ON "collaboration"("app_id", "id");

-- CreateIndex
CREATE INDEX "session_collaboration_id_idx" ON "session"("collaboration_id");

-- CreateIndex
CREATE UNIQUE INDEX "session_app_id_id_key" ON "session"("app_id", "id");

-- CreateIndex
CREATE INDEX "session_member_app_id_user_id_idx" ON "session_member"("app_id", "user_id");

-- CreateIndex
CREATE INDEX "session_event_app_id_created_at_idx" ON "session_event"("app_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "session_event_session_id_seq_key" ON "session_event"("session_id", "seq");

-- CreateIndex
CREATE INDEX "nonce_expires_at_idx" ON "nonce"("expires_at");

-- AddForeignKey
ALTER TABLE "collaboration" ADD CONSTRAINT "collaboration_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "app"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_app_id_collaboration_id_fkey" FOREIGN KEY ("app_id", "collaboration_id") REFERENCES "collaboration"("app_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session_member" ADD CONSTRAINT "session_member_app_id_session_id_fkey" FOREIGN KEY ("app_id", "session_id") REFERENCES "session"("app_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session_event" ADD CONSTRAINT "session_event_app_id_session_id_fkey" FOREIGN KEY ("app_id", "session_id") REFERENCES "session"("app_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "nonce" ADD CONSTRAINT "nonce_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "app"("id") ON DELETE CASCADE ON UPDATE CASCADE;
