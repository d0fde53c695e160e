-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "fps" DOUBLE PRECISION NOT NULL DEFAULT 10,
ADD COLUMN     "loop" TEXT NOT NULL DEFAULT 'loop',
ALTER COLUMN "seed" SET DATA TYPE BIGINT;

-- Hand-written: the checks follow @latent-lab/domain (LOOP_MODES, MIN_FPS..MAX_FPS, 0..MAX_SEED);
-- packages/db/test/option-checks.test.ts compares every CHECK list with the domain's lists.
ALTER TABLE "Run" ADD CONSTRAINT "Run_loop_check" CHECK ("loop" IN ('loop', 'ping-pong'));
ALTER TABLE "Run" ADD CONSTRAINT "Run_fps_check" CHECK ("fps" >= 1 AND "fps" <= 50);
ALTER TABLE "Run" ADD CONSTRAINT "Run_seed_check" CHECK ("seed" >= 0 AND "seed" <= 4294967295);
