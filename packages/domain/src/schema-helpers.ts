import { z } from 'zod';
import { DomainError, type FieldIssue } from './errors.ts';

// Small schema builders whose messages name the field and the value, so an error reads on its own.

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function integerIn(field: string, min: number, max: number) {
  return z.custom<number>(
    (value) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
    {
      error: (issue) =>
        `${field} must be an integer from ${min} to ${max}, got ${shown(issue.input)}`,
    },
  );
}

export function numberIn(field: string, min: number, max: number) {
  return z.custom<number>(
    (value) => typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max,
    {
      error: (issue) =>
        `${field} must be a number from ${min} to ${max}, got ${shown(issue.input)}`,
    },
  );
}

export function oneOf<const T extends readonly [string, ...string[]]>(field: string, values: T) {
  return z.enum(values, {
    error: (issue) => `${field} must be one of ${values.join(', ')}, got ${shown(issue.input)}`,
  });
}

export function booleanField(field: string) {
  return z.boolean({
    error: (issue) => `${field} must be true or false, got ${shown(issue.input)}`,
  });
}

/** Trimmed text of 1 to max characters; longer text is refused, never cut. */
export function text(field: string, max: number) {
  return z.string({ error: `${field} must be text` }).transform((value, context) => {
    const trimmed = value.trim();
    if (trimmed.length === 0 || trimmed.length > max) {
      context.addIssue({
        code: 'custom',
        message: `${field} must be 1 to ${max} characters, got ${trimmed.length}`,
      });
      return z.NEVER;
    }
    return trimmed;
  });
}

/** Runs a schema; every problem becomes one FieldIssue of a single DomainError. */
export function parseWith<T>(
  schema: z.ZodType<T>,
  input: unknown,
  what: string,
  fieldOf: (path: string) => string = (path) => path,
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    field: fieldOf(issue.path.map(String).join('.')) || 'input',
    message: issue.message,
  }));
  const message =
    issues.length === 1
      ? issues[0]!.message
      : `${what}: ${issues.map((issue) => issue.message).join('; ')}`;
  throw new DomainError('invalid', 'INVALID_INPUT', message, { issues });
}
