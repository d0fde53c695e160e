-- A run's parameters become one JSON value (RunParams without model and keyframes); the option
-- columns and their CHECK constraints go: the domain's schema validates every run when it is created.
-- Hand-written: existing rows are moved into the new column before the old columns are dropped.
ALTER TABLE "Run" ADD COLUMN "params" JSONB;

UPDATE "Run" SET "params" = jsonb_build_object(
  'steps', "steps",
  'method', "method",
  'easing', "easing",
  'width', "width",
  'height', "height",
  'fit', "fit",
  'precision', "precision",
  'seed', "seed",
  'noise', jsonb_build_object(
    'level', "noiseLevel",
    'mode', "noiseMode",
    'schedule', "noiseSchedule",
    'shared', "noiseShared"
  ),
  'animation', jsonb_build_object('fps', "fps", 'loop', "loop")
);

ALTER TABLE "Run" ALTER COLUMN "params" SET NOT NULL;

-- AlterTable
ALTER TABLE "Run" DROP COLUMN "easing",
DROP COLUMN "fit",
DROP COLUMN "fps",
DROP COLUMN "height",
DROP COLUMN "loop",
DROP COLUMN "method",
DROP COLUMN "noiseLevel",
DROP COLUMN "noiseMode",
DROP COLUMN "noiseSchedule",
DROP COLUMN "noiseShared",
DROP COLUMN "precision",
DROP COLUMN "seed",
DROP COLUMN "steps",
DROP COLUMN "width";
