-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "precision" TEXT NOT NULL DEFAULT 'auto';

-- Hand-written: the check follows @latent-lab/domain's PRECISIONS (compared by option-checks.test.ts).
ALTER TABLE "Run" ADD CONSTRAINT "Run_precision_check" CHECK ("precision" IN ('auto', 'fp32', 'int8'));
