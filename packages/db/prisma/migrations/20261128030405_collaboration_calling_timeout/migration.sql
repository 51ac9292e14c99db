-- AlterTable
ALTER TABLE "collaboration" ADD COLUMN     "calling_timeout_seconds" INTEGER NOT NULL DEFAULT 0;
