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
  const bare = apiField.replace(/^input\./, '');
  return (
    FIELD_ALIASES[apiField] ?? FIELD_ALIASES[bare] ?? (bare.startsWith('noise.') ? 'noise' : bare)
  );
}

function fieldOfError(extensions: Record<string, unknown> | undefined): string | undefined {
  const field = extensions?.['field'];
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

/**
 * A sentence for people: the API's messages without urql's "[GraphQL]" prefixes, and network
 * failures said plainly. Never JSON.
 */
export function describeError(error: CombinedError | undefined | null): string | null {
  if (!error) return null;
  if (error.graphQLErrors.length > 0) {
    return [...new Set(error.graphQLErrors.map((e) => e.message))].join(' ');
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
    } else {
      add(fieldOfError(e.extensions), e.message);
    }
  }
  if (error.graphQLErrors.length === 0)
    out['form'] = describeError(error) ?? 'Something went wrong.';
  return out;
}
