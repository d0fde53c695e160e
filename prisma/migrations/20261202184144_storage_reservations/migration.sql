-- CreateTable
CREATE TABLE "StorageReservation" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "bytes" INTEGER NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "StorageReservation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StorageReservation_workspaceId_idx" ON "StorageReservation"("workspaceId");

-- AddForeignKey
ALTER TABLE "StorageReservation" ADD CONSTRAINT "StorageReservation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
