'use client';
import { useCallback, useMemo, useRef } from 'react';
import { createSerializer, useQueryStates, type inferParserType, type ParserMap } from 'nuqs';

/**
 * A view kept in the query string (history replace): its values as the URL has them, and a writer
 * that touches the history only when the URL would change. A view reports itself whenever it
 * settles, mostly with the values the URL already holds; each of those writes still replaced the
 * history entry, and one that landed just after a link was clicked cancelled that navigation.
 */
export function useUrlView<Parsers extends ParserMap>(
  parsers: Parsers,
): [inferParserType<Parsers>, (next: inferParserType<Parsers>) => void] {
  const [values, setValues] = useQueryStates(parsers, { history: 'replace' });
  // The same values, typed as the serializer takes them.
  const parsed = values as inferParserType<Parsers>;
  const serialize = useMemo(() => createSerializer(parsers), [parsers]);
  const shown = useRef(parsed);
  shown.current = parsed;
  const write = useCallback(
    (next: inferParserType<Parsers>) => {
      if (serialize(next) !== serialize(shown.current)) void setValues(next as typeof values);
    },
    [serialize, setValues],
  );
  return [parsed, write];
}
