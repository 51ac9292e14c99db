-- AlterTable
ALTER TABLE "collaboration" ADD COLUMN     "busy_detection" BOOLEAN;
