// Nothing secret in the logs: a real API process (apps/server/src/main.ts) is sent an invitation
// link, a signed file URL, Bearer and cookie requests and URLs with a token parameter; its real
// log output (stdout, read to the end after it exits) records those requests, without any of the
// secrets.
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { freePort, listeningUrl, spawnTsx, stopProcess } from './helpers/cluster.ts';
import { useDatabaseAndDataDir } from './helpers/postgres.ts';
import { gqlOk, OWNER, PHOTOS, signUp, uploadPhoto } from './helpers/api.ts';

const scratch = useDatabaseAndDataDir('logs');

test('the log records the requests but no invitation token, signature, cookie or bearer token', async () => {
  const port = await freePort();
  const child = spawnTsx(
    'apps/server/src/main.ts',
    {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: scratch.database.url,
      DATA_DIR: scratch.dataDir,
      SERVE_DASHBOARD: 'false',
      WORKER_IN_PROCESS: 'false',
      LOG_LEVEL: 'debug',
    },
    'pipe',
    'pipe',
  );
  const lines: string[] = [];
  const errors: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => errors.push(line));
  await listeningUrl(child, (line) => lines.push(line));
  const url = `http://127.0.0.1:${port}`;

  const owner = await signUp(url, OWNER);
  const { inviteMember } = await gqlOk(
    url,
    'mutation ($w: ID!) { inviteMember(workspaceId: $w, role: MEMBER) { token url } }',
    { w: (await gqlOk(url, '{ me { workspaces { id } } }')).me.workspaces[0].id },
  );
  const invitationPath = new URL(inviteMember.url).pathname;
  await (await fetch(`${url}${invitationPath}`)).arrayBuffer();
  const { createApiToken } = await gqlOk(
    url,
    'mutation { createApiToken(input: { name: "ci", role: VIEWER }) { token } }',
  );
  const image = await uploadPhoto(url, PHOTOS.rocket);
  const { image: stored } = await gqlOk(url, 'query ($id: ID!) { image(id: $id) { url } }', {
    id: image.id,
  });
  const signed = new URL(stored.url, url);
  assert.equal((await fetch(signed)).status, 200, 'the signed file URL works');
  const sig = signed.searchParams.get('sig')!;
  await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${createApiToken.token}`,
    },
    body: JSON.stringify({ query: '{ me { email } }' }),
  });
  await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `latent_lab_session=${owner.token}` },
    body: JSON.stringify({ query: '{ me { email } }' }),
  });
  await (await fetch(`${url}${signed.pathname}?token=${owner.token}`)).arrayBuffer();

  const { code } = await stopProcess(child, 'SIGTERM');
  assert.equal(code, 0, errors.join('\n'));

  const log = [...lines, ...errors].join('\n');
  // The requests are there, with their secrets replaced.
  assert.match(log, /"url":"\/invite\/\[redacted\]"/);
  assert.match(log, new RegExp(`"url":"${signed.pathname}\\?exp=\\d+&sig=\\[redacted\\]"`));
  assert.match(log, /"url":"\/graphql"/);
  for (const [what, secret] of [
    ['invitation token', inviteMember.token as string],
    ['URL signature', sig],
    ['session token', owner.token],
    ['API token', createApiToken.token as string],
  ] as const) {
    assert.equal(log.includes(secret), false, `the ${what} is not in the log`);
  }
  assert.doesNotMatch(log, /ll[ist]_[A-Za-z0-9_-]{20,}/, 'no secret of this server at all');
});
