import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareStart } from '../scripts/build-if-stale.ts';

test('npm start with SERVE_DASHBOARD=false does not build the dashboard', () => {
  // A build would run `npm run build:web` (minutes); skipping returns before any of it.
  assert.equal(prepareStart({ SERVE_DASHBOARD: 'false' }), 'skipped');
});
