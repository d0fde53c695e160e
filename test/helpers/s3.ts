// A real S3-protocol server for tests: s3rver (the npm package) in a child process on 127.0.0.1,
// a free port, a temporary folder and a fresh bucket. Production uses MinIO or any S3-compatible
// store; the application code is the same (apps/server/src/storage/s3.ts).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import type { S3StorageOptions } from '@latent-lab/storage';

/** s3rver knows one account; it checks the access key id and accepts any v4 signature with it. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const SERVER_SCRIPT = fileURLToPath(new URL('./s3rver-process.mjs', import.meta.url));
const START_TIMEOUT_MS = 30_000;

export interface TestS3 {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  bucket: string;
  /** What S3Storage needs for this server and bucket. */
  options: S3StorageOptions;
  /**
   * The same settings as S3_* / AWS_* environment variables, for starting server processes
   * against this bucket.
   */
  env: Record<string, string>;
  /** Where s3rver keeps the objects (removed by close()). */
  directory: string;
  /** Every key in the bucket under the prefix (all keys without one), sorted. */
  listKeys(prefix?: string): Promise<string[]>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

/** Starts s3rver with one fresh bucket named `<name>-<random>`. */
export async function startTestS3(name = 'latent-lab-test'): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'latent-lab-s3-'));
  const bucket = `${name}-${randomBytes(4).toString('hex')}`;
  // stdin stays open as a lifeline: the server exits when this process does, however it ends.
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', SERVER_SCRIPT, directory, bucket],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`s3rver did not start within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited before listening (${signal ?? code})`));
      });
      child.once('error', reject);
    });
  } catch (error) {
    child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const options: S3StorageOptions = {
    bucket,
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: CREDENTIALS,
  };
  const client = new S3Client({ ...options, requestChecksumCalculation: 'WHEN_REQUIRED' });
  return {
    endpoint,
    bucket,
    options,
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: options.region,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    },
    directory,
    async listKeys(prefix = '') {
      const keys: string[] = [];
      for await (const page of paginateListObjectsV2(
        { client },
        { Bucket: bucket, Prefix: prefix },
      )) {
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      }
      return keys.sort();
    },
    async close() {
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
