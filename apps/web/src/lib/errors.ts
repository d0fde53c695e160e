import type { CombinedError } from '@urql/core';

/** Field names the API reports (engine and server spellings) mapped to the form field that shows them. */
const FIELD_ALIASES: Record<string, string> = {
  keyframes: 'images',
  imageIds: 'images',
  'input.imageIds': 'images',
  width: 'size',
  height: 'size',
  'noise.seed': 'seed',
  presetId: 'noise',
  'animation.fps': 'animation',
  'animation.loop': 'animation',
};

export function formFieldOf(apiField: string): string {
  // A sweep's base run is the form's run; its axes are the form's sweep values.
  const bare = apiField.replace(/^(input\.)?(base\.)?/, '');
  if (/^axes\b/.test(bare)) return 'sweep';
  return (
    FIELD_ALIASES[apiField] ?? FIELD_ALIASES[bare] ?? (bare.startsWith('noise.') ? 'noise' : bare)
  );
}

function fieldOfError(extensions: Record<string, unknown> | undefined): string | undefined {
  const field = extensions?.['field'];
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

/**
 * GraphQL's own variable coercion errors ('Variable "$input" got invalid value 3000000000 at
 * "input.seed"; Int cannot represent non 32-bit signed integer value: 3000000000') carry no
 * field extension: the path in the message names the field, and a plain sentence replaces it.
 */
const COERCION = /^Variable "\$\w+" got invalid value (.*?) at "([\w.[\]]+)"; (.*)$/s;

function coercionError(message: string): { field: string; message: string } | undefined {
  const match = COERCION.exec(message);
  if (!match) return undefined;
  const [, value, path, reason] = match;
  const field = path!
    .replace(/\[\d+\]/g, '')
    .split('.')
    .pop()!;
  const readable = /Int cannot represent/.test(reason!)
    ? `${field} must be a whole number in range (got ${value}).`
    : `${field} has an invalid value (${value}).`;
  return { field: path!, message: readable.charAt(0).toUpperCase() + readable.slice(1) };
}

/**
 * A sentence for people: the API's messages without urql's "[GraphQL]" prefixes, and network
 * failures said plainly. Never JSON.
 */
export function describeError(error: CombinedError | undefined | null): string | null {
  if (!error) return null;
  if (error.graphQLErrors.length > 0) {
    return [
      ...new Set(error.graphQLErrors.map((e) => coercionError(e.message)?.message ?? e.message)),
    ].join(' ');
  }
  if (error.networkError) {
    return `Could not reach the server: ${error.networkError.message}`;
  }
  return error.message.replace(/^\[(GraphQL|Network)\]\s*/, '');
}

/** Messages of field-specific errors (extensions.field), keyed by form field; the rest under "form". */
export function fieldErrors(error: CombinedError | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!error) return out;
  const add = (field: string | undefined, message: string) => {
    const key = field === undefined ? 'form' : formFieldOf(field);
    out[key] = out[key] === undefined ? message : `${out[key]} ${message}`;
  };
  for (const e of error.graphQLErrors) {
    // Several bad fields come in one error, each with its own field and message.
    const issues = e.extensions?.['issues'];
    if (Array.isArray(issues)) {
      for (const issue of issues as { field: string; message: string }[])
        add(issue.field, issue.message);
      continue;
    }
    const coerced = coercionError(e.message);
    add(coerced?.field ?? fieldOfError(e.extensions), coerced?.message ?? e.message);
  }
  if (error.graphQLErrors.length === 0)
    out['form'] = describeError(error) ?? 'Something went wrong.';
  return out;
}

/** "name: reason", naming the file once even when the API's message already names it. */
export function uploadErrorMessage(fileName: string, message: string | null): string {
  const reason = message ?? 'upload failed';
  return reason.includes(fileName) ? reason : `${fileName}: ${reason}`;
}

/** Field errors on the fields a form shows; any other field's message joins the form's own. */
export function placeFieldErrors(
  errors: Record<string, string>,
  shown: ReadonlySet<string>,
): Record<string, string> {
  const placed: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const key = shown.has(field) ? field : 'form';
    placed[key] = placed[key] === undefined ? message : `${placed[key]} ${message}`;
  }
  return placed;
}
