-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "changeCv" DOUBLE PRECISION,
ADD COLUMN     "endpointPsnr" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[],
ADD COLUMN     "maxChange" DOUBLE PRECISION,
ADD COLUMN     "meanChange" DOUBLE PRECISION,
ADD COLUMN     "minEndpointPsnr" DOUBLE PRECISION,
ADD COLUMN     "pathLength" DOUBLE PRECISION;

-- CreateIndex
CREATE INDEX "Run_workspaceId_meanChange_id_idx" ON "Run"("workspaceId", "meanChange", "id");

-- CreateIndex
CREATE INDEX "Run_workspaceId_maxChange_id_idx" ON "Run"("workspaceId", "maxChange", "id");

-- CreateIndex
CREATE INDEX "Run_workspaceId_changeCv_id_idx" ON "Run"("workspaceId", "changeCv", "id");

-- CreateIndex
CREATE INDEX "Run_workspaceId_pathLength_id_idx" ON "Run"("workspaceId", "pathLength", "id");

-- CreateIndex
CREATE INDEX "Run_workspaceId_minEndpointPsnr_id_idx" ON "Run"("workspaceId", "minEndpointPsnr", "id");
