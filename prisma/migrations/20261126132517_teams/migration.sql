-- CreateEnum
CREATE TYPE "Role" AS ENUM ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER');

-- DropIndex
DROP INDEX "Image_createdAt_id_idx";

-- DropIndex
DROP INDEX "Image_sha256_key";

-- DropIndex
DROP INDEX "NoisePreset_name_key";

-- DropIndex
DROP INDEX "Run_createdAt_id_idx";

-- DropIndex
DROP INDEX "Run_model_createdAt_idx";

-- DropIndex
DROP INDEX "Run_name_id_idx";

-- DropIndex
DROP INDEX "Run_status_createdAt_idx";

-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "createdById" UUID,
ADD COLUMN     "workspaceId" UUID;

-- AlterTable
ALTER TABLE "NoisePreset" ADD COLUMN     "createdById" UUID,
ADD COLUMN     "workspaceId" UUID;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "createdById" UUID,
ADD COLUMN     "workspaceId" UUID;

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" UUID NOT NULL,
    "tokenHash" CHAR(64) NOT NULL,
    "userId" UUID NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Workspace" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Member" (
    "workspaceId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("workspaceId","userId")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" UUID NOT NULL,
    "tokenHash" CHAR(64) NOT NULL,
    "workspaceId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "createdById" UUID NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "acceptedAt" TIMESTAMPTZ(3),
    "acceptedBy" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" UUID NOT NULL,
    "tokenHash" CHAR(64) NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "workspaceId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- Hand-written: images, runs and presets from before workspaces join one workspace, which the
-- first account to sign up owns (SIGNUP_POLICY first-user); an empty database gets none.
INSERT INTO "Workspace" ("id", "name")
SELECT '00000000-0000-4000-8000-000000000001'::uuid, 'My workspace'
WHERE EXISTS (SELECT 1 FROM "Image") OR EXISTS (SELECT 1 FROM "Run")
   OR EXISTS (SELECT 1 FROM "NoisePreset" WHERE NOT "builtIn");
UPDATE "Image" SET "workspaceId" = '00000000-0000-4000-8000-000000000001';
UPDATE "Run" SET "workspaceId" = '00000000-0000-4000-8000-000000000001';
UPDATE "NoisePreset" SET "workspaceId" = '00000000-0000-4000-8000-000000000001' WHERE NOT "builtIn";
ALTER TABLE "Image" ALTER COLUMN "workspaceId" SET NOT NULL;
ALTER TABLE "Run" ALTER COLUMN "workspaceId" SET NOT NULL;
-- Built-in presets belong to no workspace; a workspace preset needs one.
ALTER TABLE "NoisePreset" ADD CONSTRAINT "NoisePreset_builtIn_check" CHECK ("builtIn" = ("workspaceId" IS NULL));

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Member_userId_idx" ON "Member"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_workspaceId_idx" ON "Invitation"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_workspaceId_idx" ON "ApiToken"("workspaceId");

-- CreateIndex
CREATE INDEX "Image_workspaceId_createdAt_id_idx" ON "Image"("workspaceId", "createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Image_workspaceId_sha256_key" ON "Image"("workspaceId", "sha256");

-- CreateIndex
-- Hand-written NULLS NOT DISTINCT: the built-in presets (no workspace) have unique names too.
CREATE UNIQUE INDEX "NoisePreset_workspaceId_name_key" ON "NoisePreset"("workspaceId", "name") NULLS NOT DISTINCT;

-- CreateIndex
CREATE INDEX "Run_workspaceId_createdAt_id_idx" ON "Run"("workspaceId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Run_workspaceId_status_createdAt_idx" ON "Run"("workspaceId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Run_workspaceId_model_createdAt_idx" ON "Run"("workspaceId", "model", "createdAt");

-- CreateIndex
CREATE INDEX "Run_workspaceId_name_id_idx" ON "Run"("workspaceId", "name", "id");

-- CreateIndex
CREATE INDEX "Run_workspaceId_createdById_createdAt_idx" ON "Run"("workspaceId", "createdById", "createdAt");

-- CreateIndex
CREATE INDEX "Run_status_idx" ON "Run"("status");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NoisePreset" ADD CONSTRAINT "NoisePreset_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NoisePreset" ADD CONSTRAINT "NoisePreset_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
