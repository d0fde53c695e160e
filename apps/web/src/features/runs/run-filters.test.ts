import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dateRangeError,
  filtersToQuery,
  hasFilters,
  loadRunsParams,
  NO_FILTERS,
  sortedMetric,
  toRunsVariables,
} from './run-filters.ts';

/** Canceled runs tagged x (typed with spaces around it), by name. */
const CANCELED_BY_NAME = {
  ...NO_FILTERS,
  status: 'CANCELED' as const,
  sort: 'name-asc' as const,
  tag: ' x ',
};

describe('runs filters in the URL', () => {
  test('round-trip through the query string, defaults left out', () => {
    const filters = CANCELED_BY_NAME;
    const query = filtersToQuery(filters, ['c1', 'c2']);
    assert.equal(query, 'status=canceled&tag=x&sort=name-asc&after=c1&after=c2');
    assert.deepEqual(loadRunsParams(`?${query}`), { ...filters, tag: 'x', after: ['c1', 'c2'] });
    assert.equal(filtersToQuery(NO_FILTERS), '');
    assert.equal(hasFilters(NO_FILTERS), false);
    assert.equal(hasFilters({ ...NO_FILTERS, sort: 'oldest' }), false, 'sorting filters nothing');
    assert.equal(hasFilters(filters), true);
  });

  test('unknown values fall back to the defaults; variables follow the filters', () => {
    assert.deepEqual(loadRunsParams('?status=bogus&sort=random&from=yesterday&q=cat'), {
      ...NO_FILTERS,
      search: 'cat',
      after: [],
    });
    const variables = toRunsVariables({ ...NO_FILTERS, status: 'FAILED', sort: 'oldest' }, 'c');
    assert.deepEqual(variables.filter?.status, ['FAILED']);
    assert.deepEqual(variables.sort, { field: 'CREATED_AT', direction: 'ASC' });
    assert.equal(variables.after, 'c');
  });

  test('the creator filter lives in the URL and becomes createdById for "me"', () => {
    const { after: _, ...filters } = loadRunsParams('?by=me');
    assert.equal(filters.createdBy, 'me');
    assert.equal(filtersToQuery(filters), 'by=me');
    assert.equal(hasFilters(filters), true);
    assert.equal(toRunsVariables(filters, null, 20, 'user-1').filter?.createdById, 'user-1');
    assert.equal(toRunsVariables(NO_FILTERS, null, 20, 'user-1').filter?.createdById, undefined);
    assert.equal(loadRunsParams('?by=someone').createdBy, '');
  });

  test('a member chosen as creator lives in the URL and becomes createdById', () => {
    const memberId = '0b6f4a52-3c1e-4d7a-9f1b-2a6c8e0d4f17';
    const { after: _, ...filters } = loadRunsParams(`?by=${memberId}`);
    assert.equal(filters.createdBy, memberId);
    assert.equal(filtersToQuery(filters), `by=${memberId}`);
    assert.equal(toRunsVariables(filters, null, 20, 'user-1').filter?.createdById, memberId);
  });

  test('a range that ends before it starts has an error naming both days; one day is a range', () => {
    const backwards = { ...NO_FILTERS, createdAfter: '2026-03-02', createdBefore: '2026-03-01' };
    assert.match(dateRangeError(backwards) ?? '', /2026-03-01.*2026-03-02/);
    assert.equal(dateRangeError({ ...backwards, createdBefore: '2026-03-02' }), undefined);
    assert.equal(dateRangeError({ ...backwards, createdBefore: '' }), undefined);
  });

  test('metric sorts and the change CV bound live in the URL and reach the variables', () => {
    const { after: _, ...filters } = loadRunsParams('?sort=change-cv-asc&maxCv=0.5');
    assert.equal(filters.sort, 'change-cv-asc');
    assert.equal(filters.maxChangeCv, '0.5');
    assert.equal(sortedMetric(filters.sort), 'CHANGE_CV');
    assert.equal(sortedMetric('newest'), null);
    assert.equal(filtersToQuery(filters), 'maxCv=0.5&sort=change-cv-asc');
    assert.equal(hasFilters(filters), true, 'the bound filters');
    const variables = toRunsVariables(filters, null);
    assert.deepEqual(variables.sort, { field: 'CHANGE_CV', direction: 'ASC' });
    assert.deepEqual(variables.filter?.metrics, [{ metric: 'CHANGE_CV', max: 0.5 }]);
    assert.deepEqual(
      toRunsVariables({ ...NO_FILTERS, sort: 'min-endpoint-psnr-desc' }, null).sort,
      {
        field: 'MIN_ENDPOINT_PSNR',
        direction: 'DESC',
      },
    );
    assert.equal(toRunsVariables(NO_FILTERS, null).filter?.metrics, undefined);
    assert.deepEqual(loadRunsParams('?maxCv=lots&sort=change-cv-sideways'), {
      ...NO_FILTERS,
      after: [],
    });
  });
});
