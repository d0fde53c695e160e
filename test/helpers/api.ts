// Helpers for whole-system API tests: a server on a fresh data folder and PostgreSQL database per
// file, GraphQL over real HTTP, uploads as multipart requests, and subscriptions through a real
// graphql-ws client.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig, type Config } from '@latent-lab/config';
import { startServer, type RunningServer } from '../../apps/server/src/index.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';

export const SHARED_DIR = fileURLToPath(new URL('../../../shared', import.meta.url));
export const PHOTOS = {
  astronaut: `${SHARED_DIR}/images/astronaut.png`,
  chelsea: `${SHARED_DIR}/images/chelsea.png`,
  coffee: `${SHARED_DIR}/images/coffee.png`,
  rocket: `${SHARED_DIR}/images/rocket.jpg`,
};
export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
/**
 * The server-side workspaces, which export their compiled dist/ to the image (`npm run build`
 * also compiles the dashboard's server handler, into apps/web/dist).
 */
export const COMPILED_WORKSPACES = [
  'packages/domain',
  'packages/config',
  'packages/storage',
  'packages/engine',
  'packages/db',
  'apps/server',
];

type DatabaseKind = 'postgres' | 'pglite';

export interface TestServer<Kind extends DatabaseKind = 'postgres'> {
  /** The server now running (restart() replaces it). */
  readonly server: RunningServer;
  /** The first account (owner of the first workspace); requests to the server use its token. */
  readonly owner: Credentials;
  dataDir: string;
  /** The throwaway PostgreSQL database; none with PGlite, which lives under dataDir. */
  database: Kind extends 'postgres' ? TestDatabase : undefined;
  /** Stops the server and starts another on the same data folder and database. */
  restart(overrides?: Partial<Config>): Promise<RunningServer>;
  /** Stops the server, drops the database and removes the data folder. */
  close(): Promise<void>;
}

/**
 * A server on a free local port with a fresh data folder and database (PostgreSQL unless
 * `database: 'pglite'`), no dashboard and no in-process worker unless overridden. `name` marks the
 * temporary folder and database.
 */
export async function startTestServer<Kind extends DatabaseKind = 'postgres'>({
  name,
  database: kind,
  signUpOwner = true,
  ...overrides
}: Partial<Config> & {
  name: string;
  database?: Kind;
  /** false: a fresh installation with no account (the owner page's test); `owner` then throws. */
  signUpOwner?: boolean;
}): Promise<TestServer<Kind>> {
  const dataDir = await mkdtemp(join(tmpdir(), `latent-lab-${name}-`));
  const database = kind === 'pglite' ? undefined : await createTestDatabase(`latentlab_${name}`);
  const options: Config = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    // Files under this server's DATA_DIR, as a worker process given DATA_DIR finds them.
    storage: { kind: 'local', root: join(dataDir, 'files') },
    databaseUrl: database?.url ?? null,
    workerInProcess: false,
    serveDashboard: false,
    logLevel: 'warn',
    ...overrides,
  };
  async function removeData(): Promise<void> {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
  let server: RunningServer;
  let owner: Credentials | undefined;
  try {
    server = await startServer(options);
    if (signUpOwner) owner = await signUp(server.url, OWNER);
  } catch (error) {
    await removeData();
    throw error;
  }
  return {
    get owner() {
      if (!owner) throw new Error(`${name}: started with signUpOwner: false, so no owner`);
      return owner;
    },
    get server() {
      return server;
    },
    dataDir,
    database: database as TestServer<Kind>['database'],
    async restart(restartOverrides = {}) {
      await server.close();
      server = await startServer({ ...options, ...restartOverrides });
      // The session lives in the database: the new address keeps the owner signed in.
      if (owner) bearerTokens.set(server.url, owner.token);
      return server;
    },
    async close() {
      await server.close();
      await removeData();
    },
  };
}

/**
 * A test server (startTestServer's options) for the tests of the enclosing describe block: started
 * in a before hook, closed in an after hook. What it returns reads the server once it has started.
 */
export function useTestServer(
  options: Parameters<typeof startTestServer<'postgres'>>[0],
): Pick<TestServer, 'server' | 'owner' | 'dataDir' | 'database'> {
  let testServer: TestServer | undefined;
  before(async () => {
    testServer = await startTestServer(options);
  });
  after(async () => {
    await testServer?.close();
  });
  const started = (): TestServer => {
    if (!testServer) throw new Error(`${options.name}: the test server has not started`);
    return testServer;
  };
  return {
    get server() {
      return started().server;
    },
    get owner() {
      return started().owner;
    },
    get dataDir() {
      return started().dataDir;
    },
    get database() {
      return started().database;
    },
  };
}

// Response data is read ad hoc in tests; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GraphQLData = Record<string, any>;

export interface GraphQLResponse<T = GraphQLData> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string; reason?: string } }[];
}

/** A signed-in person: the bearer token and who it is. */
export interface Credentials {
  token: string;
  user: { id: string; email: string; name: string };
}

/** The password of every test account. */
export const PASSWORD = 'correct horse battery';

export const OWNER = { email: 'owner@example.com', password: PASSWORD, name: 'Owner' };

/**
 * The token each server's requests carry by default (its owner's), so tests that are not about
 * accounts read as before. Pass `{ token }` to act as someone else, `{ token: null }` for nobody.
 */
const bearerTokens = new Map<string, string>();

export interface As {
  /** A bearer token; null sends no credentials. Default: the test server's owner. */
  token?: string | null;
  /** X-Workspace-Id. */
  workspaceId?: string;
}

/** Authorization (and X-Workspace-Id) headers for a request to this server. */
export function authHeaders(baseUrl: string, as: As = {}): Record<string, string> {
  const token = as.token === undefined ? bearerTokens.get(baseUrl) : as.token;
  return {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(as.workspaceId ? { 'x-workspace-id': as.workspaceId } : {}),
  };
}

export async function gql<T = GraphQLData>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  as: As = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(baseUrl, as) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

export const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { token user { id email name } } }`;

/** Makes requests to this address carry this token by default (another API process of a cluster). */
export function useToken(baseUrl: string, token: string): void {
  bearerTokens.set(baseUrl, token);
}

/** Signs up through the API; the first account of a server becomes its default credentials. */
export async function signUp(
  baseUrl: string,
  input: { email: string; password: string; name: string; invitationToken?: string },
): Promise<Credentials> {
  const result = await gql(baseUrl, SIGN_UP, { input }, { token: null });
  if (result.errors?.length || !result.data) {
    throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
  }
  const credentials = result.data.signUp as Credentials;
  if (!bearerTokens.has(baseUrl)) bearerTokens.set(baseUrl, credentials.token);
  return credentials;
}

let joined = 0;

/**
 * A new person (person-N@example.com, PASSWORD) who joins the workspace with this role through an
 * invitation that `as` makes (default: the server's owner).
 */
export async function joinWorkspace(
  baseUrl: string,
  workspaceId: string,
  role: string,
  as: As = {},
): Promise<Credentials> {
  const { inviteMember } = await gqlOk(
    baseUrl,
    'mutation ($w: ID!, $r: Role!) { inviteMember(workspaceId: $w, role: $r) { token } }',
    { w: workspaceId, r: role },
    as,
  );
  joined += 1;
  return signUp(baseUrl, {
    email: `person-${joined}@example.com`,
    password: PASSWORD,
    name: `Person ${joined}`,
    invitationToken: inviteMember.token,
  });
}

/** gql that fails the test on any error. */
export async function gqlOk<T = GraphQLData>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  as: As = {},
): Promise<T> {
  const result = await gql<T>(baseUrl, query, variables, as);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

export const UPLOAD_MUTATION = `mutation ($file: Upload!) {
  uploadImage(file: $file) { created image { id sha256 width height mimeType byteSize url originalName } }
}`;

/** GraphQL multipart request (with the CSRF preflight header Apollo requires). */
export async function uploadBytes(
  baseUrl: string,
  bytes: Uint8Array,
  filename: string,
  type = 'application/octet-stream',
  headers: Record<string, string> = {
    'Apollo-Require-Preflight': 'true',
    ...authHeaders(baseUrl),
  },
): Promise<GraphQLResponse> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: UPLOAD_MUTATION, variables: { file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([bytes], { type }), filename);
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: form });
  const text = await response.text();
  try {
    return { status: response.status, ...(JSON.parse(text) as object) };
  } catch {
    return { status: response.status, errors: [{ message: text }] };
  }
}

export async function uploadPhoto(
  baseUrl: string,
  path: string,
  as: As = {},
): Promise<{ id: string; created: boolean }> {
  const result = await uploadBytes(baseUrl, await readFile(path), basename(path), undefined, {
    'Apollo-Require-Preflight': 'true',
    ...authHeaders(baseUrl, as),
  });
  const payload = result.data?.uploadImage as
    { created: boolean; image: { id: string } } | undefined;
  if (!payload) throw new Error(`upload failed: ${JSON.stringify(result.errors)}`);
  return { id: payload.image.id, created: payload.created };
}

/** A graphql-ws client; `webSocketImpl` can add headers to the upgrade request (a proxy's). */
export function wsClient(baseUrl: string, as: As = {}, webSocketImpl: unknown = WebSocket): Client {
  const token = as.token === undefined ? bearerTokens.get(baseUrl) : as.token;
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl,
    retryAttempts: 0,
    lazy: true,
    connectionParams: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(as.workspaceId ? { workspaceId: as.workspaceId } : {}),
    },
  });
}

/** The close code of a socket that refuses a subscription on `client` (0 when it is not refused). */
export function refusalCode(client: Client): Promise<number> {
  return new Promise((resolve) =>
    client.subscribe(
      { query: 'subscription { runUpdates { runId } }' },
      {
        next: () => resolve(0),
        error: (error) => resolve((error as { code?: number }).code ?? -1),
        complete: () => resolve(0),
      },
    ),
  );
}

export interface ProgressEvent {
  kind: 'FRAME' | 'STATUS';
  runId: string;
  status: string;
  error: string | null;
  index: number | null;
  alpha: number | null;
  noiseLevel: number | null;
  url: string | null;
  decodeMs: number | null;
  change: number | null;
  done: number;
  total: number;
}

export const PROGRESS_SUBSCRIPTION = `subscription ($runId: ID!) {
  runProgress(runId: $runId) { kind runId status error index alpha noiseLevel url decodeMs change done total }
}`;

/** Collects runProgress events until the server completes the subscription (after the final status). */
export function collectProgress(
  client: Client,
  runId: string,
  onEvent: (event: ProgressEvent) => void = () => {},
): Promise<ProgressEvent[]> {
  const events: ProgressEvent[] = [];
  return new Promise((resolve, reject) => {
    client.subscribe<{ runProgress: ProgressEvent }>(
      { query: PROGRESS_SUBSCRIPTION, variables: { runId } },
      {
        next: (result) => {
          if (result.errors) {
            reject(new Error(JSON.stringify(result.errors)));
            return;
          }
          const event = result.data!.runProgress;
          events.push(event);
          onEvent(event);
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => resolve(events),
      },
    );
  });
}

export const CREATE_RUN = `mutation ($input: CreateRunInput!) {
  createRun(input: $input) { id name status steps width height seed noise { level mode schedule shared } presetId tags }
}`;

/** Uploads these shared photos one after another (as the test server's owner unless `as`); their image ids, in order. */
export async function uploadPhotos<Names extends (keyof typeof PHOTOS)[]>(
  baseUrl: string,
  names: [...Names],
  as: As = {},
): Promise<{ [Index in keyof Names]: string }> {
  const ids: string[] = [];
  for (const name of names) ids.push((await uploadPhoto(baseUrl, PHOTOS[name], as)).id);
  return ids as { [Index in keyof Names]: string };
}

/** createRun with this input, failing the test on any error; the run as CREATE_RUN selects it. */
export async function createRun(
  baseUrl: string,
  input: Record<string, unknown>,
  as: As = {},
): Promise<GraphQLData> {
  return (await gqlOk(baseUrl, CREATE_RUN, { input }, as)).createRun as GraphQLData;
}

/**
 * The run's runProgress events until its final status, on a socket of its own that is closed
 * afterwards; `onEvent` sees each event while the socket is open.
 */
export async function watchRun(
  baseUrl: string,
  runId: string,
  onEvent?: (event: ProgressEvent) => void,
): Promise<ProgressEvent[]> {
  const client = wsClient(baseUrl);
  try {
    return await collectProgress(client, runId, onEvent);
  } finally {
    await client.dispose();
  }
}

/**
 * Subscribes this client to the run's progress and resolves once FRAME `index` arrives, right
 * after `action` ran on it; the subscription stays open.
 */
export function atFrame(
  client: Client,
  runId: string,
  index: number,
  action: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    collectProgress(client, runId, (event) => {
      if (event.kind === 'FRAME' && event.index === index) {
        action();
        resolve();
      }
    }).catch(reject);
  });
}
