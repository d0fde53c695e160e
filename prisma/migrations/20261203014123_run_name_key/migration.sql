-- DropIndex
DROP INDEX "Run_workspaceId_name_id_idx";

-- AlterTable: added nullable, backfilled, then required, so existing runs get their key.
-- Plain lower() (no ICU collation), as the code's toLowerCase() for new names.
ALTER TABLE "Run" ADD COLUMN     "nameKey" TEXT;
UPDATE "Run" SET "nameKey" = lower("name");
ALTER TABLE "Run" ALTER COLUMN "nameKey" SET NOT NULL;

-- CreateIndex
CREATE INDEX "Run_workspaceId_nameKey_id_idx" ON "Run"("workspaceId", "nameKey", "id");
