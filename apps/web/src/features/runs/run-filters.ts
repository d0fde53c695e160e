import type { RunStatus, RunsQueryVariables } from '../../gql/graphql.ts';
import { RUN_STATUS_OPTIONS } from '../../lib/options.ts';

// The Runs page keeps its filters, search, sort and page in the URL, so a reload, the back button
// or a copied link shows the same list. These helpers convert between the two forms.

export const RUNS_PAGE_SIZE = 20;
export const STATUSES = RUN_STATUS_OPTIONS;
export const SORTS = {
  newest: { field: 'CREATED_AT', direction: 'DESC' },
  oldest: { field: 'CREATED_AT', direction: 'ASC' },
  'name-asc': { field: 'NAME', direction: 'ASC' },
  'name-desc': { field: 'NAME', direction: 'DESC' },
} as const;
export type SortKey = keyof typeof SORTS;

export interface RunFilters {
  search: string;
  status: RunStatus | '';
  model: string;
  tag: string;
  createdAfter: string;
  createdBefore: string;
  /** 'me': only the signed-in user's runs; '': anyone's. */
  createdBy: '' | 'me';
  sort: SortKey;
}

export const NO_FILTERS: RunFilters = {
  search: '',
  status: '',
  model: '',
  tag: '',
  createdAfter: '',
  createdBefore: '',
  createdBy: '',
  sort: 'newest',
};

/** URL parameter of each filter. */
const PARAM: Record<keyof RunFilters, string> = {
  search: 'q',
  status: 'status',
  model: 'model',
  tag: 'tag',
  createdAfter: 'from',
  createdBefore: 'until',
  createdBy: 'by',
  sort: 'sort',
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Minimal view of URLSearchParams (Next's ReadonlyURLSearchParams fits). */
interface Params {
  get(name: string): string | null;
  getAll(name: string): string[];
}

export function filtersFromParams(params: Params | null): RunFilters {
  const get = (key: keyof RunFilters) => params?.get(PARAM[key]) ?? '';
  const status = get('status').toUpperCase();
  const sort = get('sort');
  return {
    search: get('search'),
    status: (STATUSES as readonly string[]).includes(status) ? (status as RunStatus) : '',
    model: get('model'),
    tag: get('tag'),
    createdAfter: DATE.test(get('createdAfter')) ? get('createdAfter') : '',
    createdBefore: DATE.test(get('createdBefore')) ? get('createdBefore') : '',
    createdBy: get('createdBy') === 'me' ? 'me' : '',
    sort: Object.hasOwn(SORTS, sort) ? (sort as SortKey) : 'newest',
  };
}

/** The cursors of the pages visited before this one: page n has n - 1 of them. */
export function cursorTrail(params: Params | null): string[] {
  return (params?.getAll('after') ?? []).filter(Boolean);
}

/** The query string (without "?") for these filters and page trail; defaults are left out. */
export function filtersToQuery(filters: RunFilters, trail: readonly string[] = []): string {
  const out = new URLSearchParams();
  for (const key of Object.keys(PARAM) as (keyof RunFilters)[]) {
    const value = key === 'search' || key === 'tag' ? filters[key].trim() : filters[key];
    if (value && value !== NO_FILTERS[key])
      out.set(PARAM[key], key === 'status' ? value.toLowerCase() : value);
  }
  for (const cursor of trail) out.append('after', cursor);
  return out.toString();
}

export function hasFilters(filters: RunFilters): boolean {
  return (Object.keys(NO_FILTERS) as (keyof RunFilters)[]).some(
    (key) => key !== 'sort' && filters[key].trim() !== '',
  );
}

/** Start of the day for "from", end of it for "until", both in the viewer's time zone. */
function dayBoundary(date: string, end: boolean): string | undefined {
  if (!date) return undefined;
  const at = new Date(`${date}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** `userId`: the signed-in user, for the "created by me" filter. */
export function toRunsVariables(
  filters: RunFilters,
  after: string | null,
  first = RUNS_PAGE_SIZE,
  userId: string | null = null,
): RunsQueryVariables {
  return {
    first,
    after,
    sort: SORTS[filters.sort],
    filter: {
      search: filters.search.trim() || undefined,
      status: filters.status ? [filters.status] : undefined,
      model: filters.model || undefined,
      tag: filters.tag.trim() || undefined,
      createdAfter: dayBoundary(filters.createdAfter, false),
      createdBefore: dayBoundary(filters.createdBefore, true),
      createdById: filters.createdBy === 'me' && userId ? userId : undefined,
    },
  };
}
