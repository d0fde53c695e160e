// History's "Name A-Z" ignores letter case: every page of runs(sort: NAME) through real HTTP, on
// PostgreSQL. No worker runs here, so runs stay QUEUED.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRun, gqlOk, uploadPhotos, useTestServer } from './helpers/api.ts';

const RUNS_BY_NAME = `query ($first: Int!, $after: String, $sort: RunSort) {
  runs(first: $first, after: $after, sort: $sort) {
    totalCount hasNextPage endCursor nodes { id name }
  }
}`;

interface RunsPage {
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
  nodes: { id: string; name: string }[];
}

describe('runs sorted by name ignore case (postgres)', () => {
  const testServer = useTestServer({ name: 'name_sort' });
  // Byte order (PostgreSQL's C collation) would put "Date" before every lower-case name.
  const names = ['banana', 'Apple', 'cherry', 'apple pie', 'Date'];

  before(async () => {
    const url = testServer.server.url;
    const [chelsea, coffee] = await uploadPhotos(url, ['chelsea', 'coffee']);
    for (const name of names) {
      await createRun(url, {
        name,
        model: 'taesd',
        imageIds: [chelsea, coffee],
        steps: 4,
        width: 128,
        height: 128,
      });
    }
  });

  /** Every page of the sort, two runs a page: the ids of each page, and all names in order. */
  async function walk(direction: 'ASC' | 'DESC'): Promise<{ ids: string[]; names: string[] }> {
    const ids: string[] = [];
    const walked: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { runs }: { runs: RunsPage } = await gqlOk(testServer.server.url, RUNS_BY_NAME, {
        first: 2,
        after,
        sort: { field: 'NAME', direction },
      });
      assert.equal(runs.totalCount, names.length);
      ids.push(...runs.nodes.map((node) => node.id));
      walked.push(...runs.nodes.map((node) => node.name));
      if (!runs.hasNextPage) return { ids, names: walked };
      after = runs.endCursor;
    }
  }

  test('NAME ASC and DESC order case-insensitively, and the pages neither skip nor repeat', async () => {
    const ascending = await walk('ASC');
    assert.deepEqual(ascending.names, ['Apple', 'apple pie', 'banana', 'cherry', 'Date']);
    assert.equal(new Set(ascending.ids).size, names.length);
    const descending = await walk('DESC');
    assert.deepEqual(descending.names, ['Date', 'cherry', 'banana', 'apple pie', 'Apple']);
    assert.equal(new Set(descending.ids).size, names.length);
  });
});
