-- AlterTable
ALTER TABLE "Frame" ADD COLUMN     "change" DOUBLE PRECISION;
