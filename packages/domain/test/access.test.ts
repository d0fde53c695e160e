import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PERMISSIONS, ROLES, atLeast, rolesHolding } from '../src/access.ts';

test('rolesHolding lists exactly the roles a permission allows, from the one table', () => {
  assert.deepEqual(rolesHolding('read'), ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER']);
  assert.deepEqual(rolesHolding('create'), ['OWNER', 'ADMIN', 'MEMBER']);
  assert.deepEqual(rolesHolding('manageOwners'), ['OWNER']);
  for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[])
    for (const role of ROLES)
      assert.equal(rolesHolding(permission).includes(role), atLeast(role, PERMISSIONS[permission]));
});
