-- AlterTable
ALTER TABLE "Frame" ADD COLUMN     "thumbnailKey" TEXT;

-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "thumbnailKey" TEXT;
