// Recognising Prisma's known request errors without depending on their classes' identity.

function prismaCode(error: unknown): string | undefined {
  return typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** P2002: a unique constraint rejected the write. */
export function isUniqueViolation(error: unknown): boolean {
  return prismaCode(error) === 'P2002';
}

/** P2003: a foreign key rejected the write or delete. */
export function isForeignKeyViolation(error: unknown): boolean {
  return prismaCode(error) === 'P2003';
}

/** P2025: the record to update or delete does not exist. */
export function isRecordNotFound(error: unknown): boolean {
  return prismaCode(error) === 'P2025';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUID columns: anything else cannot name a row (and would make PostgreSQL raise). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The column whose CHECK constraint ("<Table>_<column>_check") rejected the write, or undefined
 * when the error is something else. Prisma reports these as P2039 with the driver's SQLSTATE 23514.
 */
export function violatedCheckColumn(error: unknown): string | undefined {
  if (prismaCode(error) !== 'P2039' || !(error instanceof Error)) return undefined;
  return /check constraint "[A-Za-z]+_(\w+)_check"/.exec(error.message)?.[1];
}
