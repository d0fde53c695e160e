-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED');

-- CreateTable
CREATE TABLE "Image" (
    "id" UUID NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "originalName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "byteSize" INTEGER NOT NULL,
    "storageKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NoisePreset" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "level" DOUBLE PRECISION NOT NULL,
    "mode" TEXT NOT NULL,
    "schedule" TEXT NOT NULL,
    "shared" BOOLEAN NOT NULL DEFAULT false,
    "description" TEXT NOT NULL DEFAULT '',
    "builtIn" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "NoisePreset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "model" TEXT NOT NULL,
    "steps" INTEGER NOT NULL,
    "method" TEXT NOT NULL,
    "easing" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "fit" TEXT NOT NULL,
    "noiseLevel" DOUBLE PRECISION NOT NULL,
    "noiseMode" TEXT NOT NULL,
    "noiseSchedule" TEXT NOT NULL,
    "noiseShared" BOOLEAN NOT NULL,
    "presetId" UUID,
    "seed" INTEGER NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "encodeMs" DOUBLE PRECISION,
    "totalMs" DOUBLE PRECISION,
    "framesDone" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunImage" (
    "runId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "imageId" UUID NOT NULL,

    CONSTRAINT "RunImage_pkey" PRIMARY KEY ("runId","position")
);

-- CreateTable
CREATE TABLE "Frame" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "alpha" DOUBLE PRECISION NOT NULL,
    "noiseLevel" DOUBLE PRECISION NOT NULL,
    "storageKey" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "decodeMs" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Frame_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Image_sha256_key" ON "Image"("sha256");

-- CreateIndex
CREATE INDEX "Image_createdAt_id_idx" ON "Image"("createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "NoisePreset_name_key" ON "NoisePreset"("name");

-- CreateIndex
CREATE INDEX "Run_createdAt_id_idx" ON "Run"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Run_status_createdAt_idx" ON "Run"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Run_model_createdAt_idx" ON "Run"("model", "createdAt");

-- CreateIndex
CREATE INDEX "Run_name_id_idx" ON "Run"("name", "id");

-- CreateIndex
CREATE INDEX "Run_tags_idx" ON "Run" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "Run_presetId_idx" ON "Run"("presetId");

-- CreateIndex
CREATE INDEX "RunImage_imageId_idx" ON "RunImage"("imageId");

-- CreateIndex
CREATE UNIQUE INDEX "Frame_runId_index_key" ON "Frame"("runId", "index");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_presetId_fkey" FOREIGN KEY ("presetId") REFERENCES "NoisePreset"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunImage" ADD CONSTRAINT "RunImage_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunImage" ADD CONSTRAINT "RunImage_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Frame" ADD CONSTRAINT "Frame_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: option columns hold the engine's strings; Prisma does not model CHECK constraints.
ALTER TABLE "NoisePreset" ADD CONSTRAINT "NoisePreset_mode_check" CHECK ("mode" IN ('absolute', 'relative'));
ALTER TABLE "NoisePreset" ADD CONSTRAINT "NoisePreset_schedule_check" CHECK ("schedule" IN ('constant', 'ramp-up', 'ramp-down', 'bell'));
ALTER TABLE "NoisePreset" ADD CONSTRAINT "NoisePreset_level_check" CHECK ("level" >= 0);
ALTER TABLE "Run" ADD CONSTRAINT "Run_method_check" CHECK ("method" IN ('lerp', 'slerp'));
ALTER TABLE "Run" ADD CONSTRAINT "Run_easing_check" CHECK ("easing" IN ('linear', 'ease-in', 'ease-out', 'ease-in-out', 'smoothstep'));
ALTER TABLE "Run" ADD CONSTRAINT "Run_fit_check" CHECK ("fit" IN ('cover', 'contain', 'fill'));
ALTER TABLE "Run" ADD CONSTRAINT "Run_noiseMode_check" CHECK ("noiseMode" IN ('absolute', 'relative'));
ALTER TABLE "Run" ADD CONSTRAINT "Run_noiseSchedule_check" CHECK ("noiseSchedule" IN ('constant', 'ramp-up', 'ramp-down', 'bell'));
ALTER TABLE "Run" ADD CONSTRAINT "Run_noiseLevel_check" CHECK ("noiseLevel" >= 0);
