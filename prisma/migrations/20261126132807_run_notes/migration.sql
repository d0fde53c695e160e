-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "notes" TEXT NOT NULL DEFAULT '';

-- Hand-written: the domain's MAX_NOTES_LENGTH (run notes are short Markdown).
ALTER TABLE "Run" ADD CONSTRAINT "Run_notes_check" CHECK (char_length("notes") <= 4000);
