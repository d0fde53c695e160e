// Every limit and quota fired with requests sent together, through the real HTTP API on real
// PostgreSQL: N parallel requests must be judged exactly as N sequential ones would be.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { before, describe, test } from 'node:test';
import pg from 'pg';
import sharp from 'sharp';
import { loadConfig } from '@latent-lab/config';
import {
  CREATE_RUN,
  gql,
  gqlOk,
  OWNER,
  SIGN_UP,
  signUp,
  uploadBytes,
  uploadPhotos,
  useTestServer,
  type GraphQLResponse,
} from './helpers/api.ts';

type Extensions = { code?: string; field?: string } & Record<string, unknown>;

function firstError(result: GraphQLResponse): Extensions & { message: string } {
  const error = result.errors?.[0];
  return { message: error?.message ?? '', ...(error?.extensions as Extensions) };
}

/** How many answers carry each error code ('ok' for none). */
function tally(results: GraphQLResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const code = result.errors?.length ? (firstError(result).code ?? '?') : 'ok';
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

const SIGN_IN = 'mutation ($input: SignInInput!) { signIn(input: $input) { token } }';

/** A GraphQL request sent from a chosen loopback address (127.0.0.2 is "somebody else"). */
function gqlFrom(
  baseUrl: string,
  localAddress: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLResponse> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${baseUrl}/graphql`,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            ...(JSON.parse(Buffer.concat(chunks).toString()) as object),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A PNG of random pixels: about width * height * 3 bytes, and unlike any other. */
function noisePng(side: number): Promise<Buffer> {
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

/** The one row a counting query answers, read straight from the test's database. */
async function queryRow<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows[0]!;
  } finally {
    await client.end();
  }
}

describe('limits under concurrent requests (first-user server, PostgreSQL)', () => {
  const testServer = useTestServer({
    name: 'concurrency',
    signUpOwner: false,
    auth: {
      ...loadConfig({}).auth,
      signinAttempts: 10,
      signinAddressAttempts: 25,
      maxActiveRuns: 3,
      maxStorageBytes: 1_000_000,
      mutationsPerMinute: 1000,
    },
  });
  let url: string;
  let dbUrl: string;
  let ownerToken: string;
  /** Whichever of the sign-ups sent together won. */
  let ownerEmail: string;

  before(async () => {
    url = testServer.server.url;
    dbUrl = testServer.database.url;
  });

  test('8 first sign-ups at once make exactly one owner; the others are refused, typed', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        gql(
          url,
          SIGN_UP,
          { input: { ...OWNER, email: i === 0 ? OWNER.email : `first-${i}@example.com` } },
          { token: null },
        ),
      ),
    );
    const counts = tally(results);
    console.log('first-user sign-ups:', counts);
    assert.deepEqual(counts, { ok: 1, FORBIDDEN: 7 });
    for (const refused of results.filter((r) => r.errors))
      assert.match(firstError(refused).message, /sign-up is by invitation/);
    const winner = results.find((r) => !r.errors)!.data!.signUp;
    ownerToken = winner.token;
    ownerEmail = winner.user.email;
    const owners = await queryRow<{ users: number; owners: number }>(
      dbUrl,
      `SELECT (SELECT count(*)::int FROM "User") AS users,
              (SELECT count(*)::int FROM "Member" WHERE role = 'OWNER') AS owners`,
    );
    assert.deepEqual(owners, { users: 1, owners: 1 }, 'no account is left from a refused one');
    const { me } = await gqlOk(
      url,
      '{ me { email workspaces { role } } }',
      {},
      { token: ownerToken },
    );
    assert.deepEqual(me.workspaces, [{ role: 'OWNER' }]);
  });

  test('40 wrong sign-ins at once: exactly SIGNIN_ATTEMPTS (10) judged, the rest told when to retry', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        gqlFrom(url, '127.0.0.2', SIGN_IN, {
          input: { email: ownerEmail, password: 'wrong password' },
        }),
      ),
    );
    const counts = tally(results);
    console.log('40 wrong sign-ins from one address:', counts);
    assert.deepEqual(counts, { UNAUTHENTICATED: 10, RATE_LIMITED: 30 });
    for (const limited of results.filter((r) => firstError(r).code === 'RATE_LIMITED')) {
      const { retryAfterSeconds, message } = firstError(limited);
      assert.ok(typeof retryAfterSeconds === 'number' && retryAfterSeconds > 0, message);
      assert.match(message, /try again in \d+ s/);
    }
    // The right password from that address waits too: the pair is held back.
    const right = await gqlFrom(url, '127.0.0.2', SIGN_IN, {
      input: { email: ownerEmail, password: OWNER.password },
    });
    assert.equal(firstError(right).code, 'RATE_LIMITED');
    // A stranger's failures never lock the owner out: from the owner's own address it works.
    const own = await gqlFrom(url, '127.0.0.1', SIGN_IN, {
      input: { email: ownerEmail, password: OWNER.password },
    });
    assert.equal(own.errors, undefined, JSON.stringify(own.errors));
  });

  test('one address trying many accounts at once is held to SIGNIN_ADDRESS_ATTEMPTS', async () => {
    // 127.0.0.2 used 10 of its 25 attempts above; 30 different accounts at once get exactly 15.
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        gqlFrom(url, '127.0.0.2', SIGN_IN, {
          input: { email: `guess-${i}@example.com`, password: 'wrong password' },
        }),
      ),
    );
    const counts = tally(results);
    console.log('30 accounts tried from one address:', counts);
    assert.deepEqual(counts, { UNAUTHENTICATED: 15, RATE_LIMITED: 15 });
  });

  test('each time a pair runs out again within a day, its wait doubles', async () => {
    const wrong = { input: { email: ownerEmail, password: 'wrong password' } };
    const lockout = async () => {
      const results = await Promise.all(
        Array.from({ length: 11 }, () => gqlFrom(url, '127.0.0.3', SIGN_IN, wrong)),
      );
      assert.deepEqual(tally(results), { UNAUTHENTICATED: 10, RATE_LIMITED: 1 });
      return firstError(results.find((r) => firstError(r).code === 'RATE_LIMITED')!)
        .retryAfterSeconds as number;
    };
    const first = await lockout();
    assert.ok(first > 0 && first <= 15 * 60, `first wait ${first} s`);
    // The first window passing, without waiting for it: the pair's counter row goes.
    await queryRow(dbUrl, `DELETE FROM "RateLimiterFlexible" WHERE key LIKE $1`, [
      'signin-pair:127.0.0.3 %',
    ]);
    const second = await lockout();
    console.log('back-off: first wait', first, 's, second wait', second, 's');
    assert.ok(second > 15 * 60 && second <= 30 * 60, `second wait ${second} s`);
  });

  test('12 createRun at once with MAX_ACTIVE_RUNS=3: exactly 3 accepted, 9 refused with the numbers', async () => {
    const as = { token: ownerToken };
    const imageIds = await uploadPhotos(url, ['chelsea', 'coffee'], as);
    const input = { model: 'taef2', imageIds, steps: 2, width: 64, height: 64 };
    const results = await Promise.all(
      Array.from({ length: 12 }, () => gql(url, CREATE_RUN, { input }, as)),
    );
    const counts = tally(results);
    console.log('12 createRun at once, limit 3:', counts);
    assert.deepEqual(counts, { ok: 3, QUOTA_EXCEEDED: 9 });
    for (const refused of results.filter((r) => r.errors)) {
      const { used, limit, message } = firstError(refused);
      assert.deepEqual({ used, limit }, { used: 3, limit: 3 });
      assert.match(message, /3 queued or running runs, the limit is 3/);
    }
    const { runs } = await queryRow<{ runs: number }>(
      dbUrl,
      `SELECT count(*)::int AS runs FROM "Run"`,
    );
    assert.equal(runs, 3, 'no refused run was stored');
  });

  test('8 distinct ~200 KB uploads at once under MAX_STORAGE_BYTES=1,000,000 store at most 1,000,000 bytes', async () => {
    const { createWorkspace } = await gqlOk(
      url,
      'mutation { createWorkspace(name: "Storage") { id } }',
      {},
      { token: ownerToken },
    );
    const workspaceId: string = createWorkspace.id;
    const files = await Promise.all(Array.from({ length: 8 }, () => noisePng(256)));
    // Uncompressed PNGs of one size: every file has the same length, about 197 KB.
    const size = files[0]!.byteLength;
    assert.ok(size > 190_000 && size < 210_000 && files.every((f) => f.byteLength === size));
    const results = await Promise.all(
      files.map((file, i) =>
        uploadBytes(url, file, `noise-${i}.png`, 'image/png', {
          'Apollo-Require-Preflight': 'true',
          authorization: `Bearer ${ownerToken}`,
          'x-workspace-id': workspaceId,
        }),
      ),
    );
    const counts = tally(results);
    const { stored, reservations } = await queryRow<{ stored: number; reservations: number }>(
      dbUrl,
      `SELECT (SELECT coalesce(sum("byteSize"), 0)::int FROM "Image" WHERE "workspaceId" = $1) AS stored,
              (SELECT count(*)::int FROM "StorageReservation") AS reservations`,
      [workspaceId],
    );
    console.log('8 uploads of ~200 KB at once, limit 1,000,000:', counts, 'stored bytes:', stored);
    assert.equal((counts.ok ?? 0) + (counts.QUOTA_EXCEEDED ?? 0), 8, JSON.stringify(counts));
    assert.ok(stored <= 1_000_000, `stored ${stored} bytes`);
    assert.equal(counts.ok, Math.floor(1_000_000 / size), 'as many as fit, sent one by one');
    assert.equal(stored, counts.ok! * size);
    assert.equal(reservations, 0, 'every reservation was released');
    files.forEach((file, i) => {
      if (!results[i]!.errors) return;
      const { used, bytes, limit, field } = firstError(results[i]!);
      assert.equal(field, 'file');
      assert.equal(limit, 1_000_000);
      assert.equal(bytes, file.byteLength);
      assert.ok(
        (used as number) + file.byteLength > 1_000_000,
        'refused only when it would not fit',
      );
    });
  });
});

describe('mutations are limited per user, across sessions and tokens', () => {
  const testServer = useTestServer({
    name: 'concurrency_mutations',
    auth: { ...loadConfig({}).auth, mutationsPerMinute: 4 },
  });

  test('10 uploads at once over two sessions and a token: exactly 4 accepted', async () => {
    const url = testServer.server.url;
    const second = await gqlOk(
      url,
      SIGN_IN,
      { input: { email: OWNER.email, password: OWNER.password } },
      { token: null },
    );
    const { createApiToken } = await gqlOk(
      url,
      'mutation { createApiToken(input: { name: "ci", role: MEMBER }) { token } }',
    );
    const credentials = [testServer.owner.token, second.signIn.token, createApiToken.token];
    const photo = await noisePng(32);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        uploadBytes(url, photo, 'noise.png', 'image/png', {
          'Apollo-Require-Preflight': 'true',
          authorization: `Bearer ${credentials[i % 3]}`,
        }),
      ),
    );
    const counts = tally(results);
    console.log('10 uploads at once by one user, 4 a minute:', counts);
    assert.deepEqual(counts, { ok: 4, RATE_LIMITED: 6 });
    const limited = firstError(results.find((r) => r.errors)!);
    assert.ok((limited.retryAfterSeconds as number) > 0);
    // Signing in again does not start a new budget.
    const third = await gqlOk(
      url,
      SIGN_IN,
      { input: { email: OWNER.email, password: OWNER.password } },
      { token: null },
    );
    const again = await uploadBytes(url, photo, 'noise.png', 'image/png', {
      'Apollo-Require-Preflight': 'true',
      authorization: `Bearer ${third.signIn.token}`,
    });
    assert.equal(firstError(again).code, 'RATE_LIMITED');
  });
});

describe('invitation previews are held to the per-address limit, sent together', () => {
  const ATTEMPTS = 6;
  const testServer = useTestServer({
    name: 'concurrency_previews',
    auth: { ...loadConfig({}).auth, signinAddressAttempts: ATTEMPTS },
  });

  test(`20 guessed tokens at once: exactly ${ATTEMPTS} answered (null), the rest told when to retry`, async () => {
    const url = testServer.server.url;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        gql(
          url,
          'query ($t: String!) { invitation(token: $t) { workspaceName } }',
          { t: randomBytes(32).toString('base64url') },
          { token: null },
        ),
      ),
    );
    const counts = tally(results);
    console.log('20 invitation previews at once, %d per address:', ATTEMPTS, counts);
    assert.deepEqual(counts, { ok: ATTEMPTS, RATE_LIMITED: 20 - ATTEMPTS });
    for (const result of results.filter((r) => !r.errors))
      assert.equal(result.data?.invitation, null);
    const limited = firstError(results.find((r) => r.errors)!);
    assert.ok((limited.retryAfterSeconds as number) > 0);
  });
});

describe('an invitation link sent by many people at once', () => {
  const testServer = useTestServer({
    name: 'concurrency_invitation',
    auth: { ...loadConfig({}).auth, signupPolicy: 'first-user' },
  });

  test('8 sign-ups with one link at once: exactly one account joins, none left behind', async () => {
    const url = testServer.server.url;
    const { me } = await gqlOk(url, '{ me { workspaces { id } } }');
    const workspaceId = me.workspaces[0].id as string;
    const { inviteMember } = await gqlOk(
      url,
      'mutation ($w: ID!) { inviteMember(workspaceId: $w, role: MEMBER) { token } }',
      { w: workspaceId },
    );
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        gql(
          url,
          SIGN_UP,
          {
            input: {
              email: `invited-${i}@example.com`,
              password: OWNER.password,
              name: `Invited ${i}`,
              invitationToken: inviteMember.token,
            },
          },
          { token: null },
        ),
      ),
    );
    const counts = tally(results);
    console.log('8 sign-ups with one invitation at once:', counts);
    assert.deepEqual(counts, { ok: 1, BAD_USER_INPUT: 7 });
    const { members } = await gqlOk(
      url,
      'query ($w: ID!) { members(workspaceId: $w) { user { email } role } }',
      { w: workspaceId },
    );
    assert.equal(members.length, 2, 'the owner and the one who joined');
    // A refused sign-up leaves no account behind: its email and password do not sign in.
    const refused = results.findIndex((r) => r.errors);
    const signIn = await gql(
      url,
      SIGN_IN,
      { input: { email: `invited-${refused}@example.com`, password: OWNER.password } },
      { token: null },
    );
    assert.equal(firstError(signIn).code, 'UNAUTHENTICATED');
  });
});

// signUp under the open policy: a taken email is refused in the words of a failed sign-in.
describe('sign-up does not tell which emails have accounts', () => {
  const testServer = useTestServer({
    name: 'concurrency_enumeration',
    auth: { ...loadConfig({}).auth, signupPolicy: 'open' },
  });

  test('a taken email gets a message that names no account', async () => {
    const url = testServer.server.url;
    await signUp(url, { email: 'taken@example.com', password: 'correct horse battery', name: 'T' });
    const again = await gql(
      url,
      SIGN_UP,
      { input: { email: 'taken@example.com', password: 'another password!', name: 'U' } },
      { token: null },
    );
    const error = firstError(again);
    assert.equal(error.code, 'CONFLICT');
    assert.doesNotMatch(error.message, /taken@example\.com|already exists/);
  });
});
