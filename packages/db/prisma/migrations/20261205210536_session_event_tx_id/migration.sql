-- The writing transaction's id on every event (the user channel's commit-ordered cursor, see the
-- column's comment in schema.prisma). Added without a default first, then given one, so that
-- PostgreSQL does not rewrite the table: events written before this migration keep NULL and are
-- never tailed (a subscriber resuming from before it starts over from the current state).
-- AlterTable
ALTER TABLE "session_event" ADD COLUMN     "tx_id" xid8;
ALTER TABLE "session_event" ALTER COLUMN "tx_id" SET DEFAULT pg_current_xact_id();

-- CreateIndex
CREATE INDEX "session_event_tx_id_id_idx" ON "session_event"("tx_id", "id");
