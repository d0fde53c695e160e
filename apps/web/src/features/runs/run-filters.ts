import {
  createLoader,
  createParser,
  createSerializer,
  parseAsNativeArrayOf,
  parseAsString,
  parseAsStringLiteral,
} from 'nuqs/server';
import type { RunMetric, RunStatus, RunsQueryVariables } from '../../gql/graphql.ts';
import { RUN_STATUS_OPTIONS } from '../../lib/options.ts';
import { METRICS } from './metrics.ts';

// The Runs page keeps its filters, search, sort and page in the URL, so a reload, the back button
// or a copied link shows the same list; nuqs reads and writes it with the parsers below.

export const RUNS_PAGE_SIZE = 20;
export const STATUSES = RUN_STATUS_OPTIONS;
const BASIC_SORTS = {
  newest: { field: 'CREATED_AT', direction: 'DESC' },
  oldest: { field: 'CREATED_AT', direction: 'ASC' },
  'name-asc': { field: 'NAME', direction: 'ASC' },
  'name-desc': { field: 'NAME', direction: 'DESC' },
} as const;
/** A metric sort in the URL: the metric in lower case with dashes and the direction (change-cv-asc). */
export type MetricSortKey = `${string}-${'asc' | 'desc'}`;
export type SortKey = keyof typeof BASIC_SORTS | MetricSortKey;

export interface Sort {
  readonly field: 'CREATED_AT' | 'NAME' | RunMetric;
  readonly direction: 'ASC' | 'DESC';
}

export function metricSortKey(metric: RunMetric, direction: Sort['direction']): MetricSortKey {
  return `${metric.toLowerCase().replaceAll('_', '-')}-${direction === 'ASC' ? 'asc' : 'desc'}`;
}

/** Every sort of the history by its URL key: the basic ones, then each metric both ways. */
export const SORTS: Readonly<Record<SortKey, Sort>> = {
  ...BASIC_SORTS,
  ...Object.fromEntries(
    METRICS.flatMap(({ metric }) =>
      (['ASC', 'DESC'] as const).map((direction) => [
        metricSortKey(metric, direction),
        { field: metric, direction },
      ]),
    ),
  ),
};

/** The sort of this URL key (the parser lets only known keys in; anything else is the newest first). */
export function sortOf(key: SortKey): Sort {
  return SORTS[key] ?? BASIC_SORTS.newest;
}

/** The metric the list is sorted by, if it is. */
export function sortedMetric(sort: SortKey): RunMetric | null {
  const { field } = sortOf(sort);
  return field === 'CREATED_AT' || field === 'NAME' ? null : field;
}

export interface RunFilters {
  search: string;
  status: RunStatus | '';
  model: string;
  tag: string;
  createdAfter: string;
  createdBefore: string;
  /** 'me': only the signed-in user's runs; a user id: that member's; '': anyone's. */
  createdBy: string;
  /** Only runs whose change CV is at most this (a number as typed); '': no bound. */
  maxChangeCv: string;
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
  maxChangeCv: '',
  sort: 'newest',
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A status in the URL is lower case ('canceled'); an unknown one reads as none. */
const parseAsStatus = createParser<RunStatus | ''>({
  parse: (value) => {
    const status = value.toUpperCase();
    return (STATUSES as readonly string[]).includes(status) ? (status as RunStatus) : null;
  },
  serialize: (status) => status.toLowerCase(),
});

/** A day as the date inputs write it (2026-11-26); anything else reads as none. */
const parseAsDay = createParser({
  parse: (value) => (DATE.test(value) ? value : null),
  serialize: (day: string) => day,
});

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 'me' or a member's user id; anything else reads as anyone. */
const parseAsCreator = createParser({
  parse: (value) => (value === 'me' || USER_ID.test(value) ? value : null),
  serialize: (creator: string) => creator,
});

/** A bound typed into a number field; anything else reads as none. */
const parseAsBound = createParser({
  parse: (value) => (value.trim() !== '' && Number.isFinite(Number(value)) ? value.trim() : null),
  serialize: (bound: string) => bound,
});

/** The filters, sort and page trail in the URL; defaults are left out of it. */
export const runsParams = {
  search: parseAsString.withDefault(''),
  status: parseAsStatus.withDefault(''),
  model: parseAsString.withDefault(''),
  tag: parseAsString.withDefault(''),
  createdAfter: parseAsDay.withDefault(''),
  createdBefore: parseAsDay.withDefault(''),
  createdBy: parseAsCreator.withDefault(''),
  maxChangeCv: parseAsBound.withDefault(''),
  sort: parseAsStringLiteral(Object.keys(SORTS) as SortKey[]).withDefault('newest'),
  /** The cursors of the pages visited before this one (`after` repeated): page n has n - 1. */
  after: parseAsNativeArrayOf(parseAsString),
};

/** URL parameter of each filter whose name differs from its field. */
export const RUNS_URL_KEYS = {
  search: 'q',
  createdAfter: 'from',
  createdBefore: 'until',
  createdBy: 'by',
  maxChangeCv: 'maxCv',
} as const;

export const loadRunsParams = createLoader(runsParams, { urlKeys: RUNS_URL_KEYS });
const runsUrl = createSerializer(runsParams, { urlKeys: RUNS_URL_KEYS });

/** Text filters as they are applied: without the spaces around them. */
export function trimmed(filters: RunFilters): RunFilters {
  return { ...filters, search: filters.search.trim(), tag: filters.tag.trim() };
}

/** The query string (without "?") for these filters and page trail; defaults are left out. */
export function filtersToQuery(filters: RunFilters, trail: readonly string[] = []): string {
  return runsUrl({ ...trimmed(filters), after: [...trail] }).replace(/^\?/, '');
}

export function hasFilters(filters: RunFilters): boolean {
  return (Object.keys(NO_FILTERS) as (keyof RunFilters)[]).some(
    (key) => key !== 'sort' && filters[key].trim() !== '',
  );
}

/**
 * The "Created until" field's error when the range ends before it starts (no run could match), or
 * undefined; the same day is a range of one day.
 */
export function dateRangeError(filters: RunFilters): string | undefined {
  const { createdAfter: from, createdBefore: until } = filters;
  if (!from || !until || until >= from) return undefined;
  return `“Created until” (${until}) is before “Created from” (${from}): no run could match. Choose an end on or after the start.`;
}

/** Start of the day for "from", end of it for "until", both in the viewer's time zone. */
function dayBoundary(date: string, end: boolean): string | undefined {
  if (!date) return undefined;
  const at = new Date(`${date}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** The creator's user id: the signed-in user (`userId`) for "me", else the member chosen. */
function creatorId(createdBy: string, userId: string | null): string | undefined {
  if (createdBy === 'me') return userId ?? undefined;
  return createdBy || undefined;
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
    sort: sortOf(filters.sort),
    filter: {
      search: filters.search.trim() || undefined,
      status: filters.status ? [filters.status] : undefined,
      model: filters.model || undefined,
      tag: filters.tag.trim() || undefined,
      createdAfter: dayBoundary(filters.createdAfter, false),
      createdBefore: dayBoundary(filters.createdBefore, true),
      createdById: creatorId(filters.createdBy, userId),
      metrics: parseAsBound.parse(filters.maxChangeCv)
        ? [{ metric: 'CHANGE_CV', max: Number(filters.maxChangeCv) }]
        : undefined,
    },
  };
}
