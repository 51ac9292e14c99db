-- AlterTable
ALTER TABLE "app" ADD COLUMN     "disabled_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "app_usage_day" (
    "app_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "errors" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "app_usage_day_pkey" PRIMARY KEY ("app_id","day")
);

-- AddForeignKey
ALTER TABLE "app_usage_day" ADD CONSTRAINT "app_usage_day_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "app"("id") ON DELETE CASCADE ON UPDATE CASCADE;
