'use client';
import { MembersDocument, ModelsDocument } from '../../gql/graphql.ts';
import { useId, useState } from 'react';
import { useQuery } from 'urql';
import { Field, invalidProps } from '../../components/field.tsx';
import { useSession } from '../../shell/session.tsx';
import { METRICS } from './metrics.ts';
import {
  dateRangeError,
  filtersToQuery,
  metricSortKey,
  NO_FILTERS,
  STATUSES,
  type RunFilters,
} from './run-filters.ts';

const SORT_LABELS: readonly (readonly [RunFilters['sort'], string])[] = [
  ['newest', 'Newest first'],
  ['oldest', 'Oldest first'],
  ['name-asc', 'Name A–Z'],
  ['name-desc', 'Name Z–A'],
  ...METRICS.flatMap(({ metric, label }) => [
    [metricSortKey(metric, 'ASC'), `${label}, lowest first`] as const,
    [metricSortKey(metric, 'DESC'), `${label}, highest first`] as const,
  ]),
];

/**
 * The history's filters. Selects apply at once; text and date fields are typed into a draft and
 * applied together. The URL is the truth, so the draft follows it whenever it changes (a tag
 * chip, the back button, a pasted link).
 */
export function FiltersForm({
  filters,
  onApply,
}: {
  filters: RunFilters;
  onApply: (filters: RunFilters) => void;
}) {
  const id = useId();
  const session = useSession();
  const [models] = useQuery({ query: ModelsDocument });
  const workspaceId = session?.workspace.id ?? '';
  const [members] = useQuery({
    query: MembersDocument,
    variables: { workspaceId },
    pause: !workspaceId,
  });
  const [draft, setDraft] = useState<RunFilters>(filters);
  // Filters refused before they reach the URL (a range ending before it starts).
  const [refused, setRefused] = useState<RunFilters | null>(null);
  const filtersKey = filtersToQuery(filters);
  const [draftOf, setDraftOf] = useState(filtersKey);
  if (draftOf !== filtersKey) {
    setDraftOf(filtersKey);
    setDraft(filters);
    setRefused(null);
  }
  // A pasted link may carry such a range too: the field says so, as the API would refuse it.
  const rangeError = dateRangeError(refused ?? filters);
  function apply(next: RunFilters) {
    if (dateRangeError(next)) {
      setDraft(next);
      setRefused(next);
      return;
    }
    setRefused(null);
    onApply(next);
  }
  // "Me" follows whoever is signed in; a member's entry (yours too) names that person in the URL,
  // so a shared link shows the same runs to everyone.
  const memberList = members.data?.members ?? [];
  const creators: (readonly [string, string])[] = [
    ['', 'Anyone'],
    ['me', 'Me'],
    ...memberList.map(({ user }) => {
      const name = user.name || user.email;
      return [user.id, user.id === session?.me.id ? `${name} (you)` : name] as const;
    }),
    // A creator in the URL who is no longer a member still shows as chosen.
    ...(draft.createdBy &&
    draft.createdBy !== 'me' &&
    members.data &&
    !memberList.some(({ user }) => user.id === draft.createdBy)
      ? [[draft.createdBy, 'a former member'] as const]
      : []),
  ];
  const field = (name: keyof RunFilters) => `${id}-${name}`;
  const modelNames = (models.data?.models ?? []).map((m) => m.name);
  /** A text or date field: typed into the draft. */
  const draftInput = (
    name: 'search' | 'tag' | 'createdAfter' | 'createdBefore' | 'maxChangeCv',
  ) => ({
    id: field(name),
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  /** A select that applies at once, with the text typed in the other fields. */
  const applyingSelect = (
    name: 'status' | 'model' | 'createdBy' | 'sort',
    label: string,
    options: readonly (readonly [string, string])[],
  ) => (
    <Field id={field(name)} label={label}>
      <select
        id={field(name)}
        value={draft[name]}
        onChange={(e) => apply({ ...draft, [name]: e.target.value } as RunFilters)}
      >
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
  return (
    <form
      className="panel filters"
      role="search"
      aria-label="Filter runs"
      onSubmit={(e) => {
        e.preventDefault();
        apply(draft);
      }}
    >
      <Field id={field('search')} label="Search names, notes, tags">
        <input type="search" {...draftInput('search')} />
      </Field>
      {applyingSelect('status', 'Status', [
        ['', 'Any'],
        ...STATUSES.map((s) => [s, s.toLowerCase()] as const),
      ])}
      {applyingSelect('model', 'Model', [
        ['', 'Any'],
        // A model in the URL that the server no longer lists still shows as chosen.
        ...[
          ...modelNames,
          ...(draft.model && !modelNames.includes(draft.model) ? [draft.model] : []),
        ].map((name) => [name, name] as const),
      ])}
      <Field id={field('tag')} label="Tag">
        <input placeholder="a tag or its start" {...draftInput('tag')} />
      </Field>
      <Field id={field('createdAfter')} label="Created from">
        <input type="date" {...draftInput('createdAfter')} />
      </Field>
      <Field id={field('createdBefore')} label="Created until" error={rangeError}>
        <input
          type="date"
          {...draftInput('createdBefore')}
          {...invalidProps(field('createdBefore'), rangeError)}
        />
      </Field>
      {applyingSelect('createdBy', 'Created by', creators)}
      <Field id={field('maxChangeCv')} label="Max change CV">
        <input
          type="number"
          min={0}
          step="any"
          placeholder="any"
          title="Low is an even pace"
          {...draftInput('maxChangeCv')}
        />
      </Field>
      {applyingSelect('sort', 'Sort', SORT_LABELS)}
      <div className="row">
        <button type="submit" className="primary">
          Apply
        </button>
        <button type="button" onClick={() => apply(NO_FILTERS)}>
          Clear
        </button>
      </div>
    </form>
  );
}
