// s3rver in a process of its own, started by test/helpers/s3.ts as
//   node --openssl-legacy-provider s3rver-process.mjs <directory> <bucket>
// The flag is needed because s3rver 3.7 encrypts ListObjectsV2 continuation tokens with DES, which
// OpenSSL 3 only offers through its legacy provider (without it, listing more than 1000 keys
// fails with a 500). Prints {"port":N} once listening; exits on SIGTERM or when stdin closes
// (the test process is gone).
//
// Its store is made read-after-write consistent, as S3 is: s3rver 3.7 answers a PUT once the body
// has passed its checksum stream, before the file is written (it waits for the checksum stream's
// 'finish', not the file's), and writes over an object in place, so a GET soon after, or during an
// overwrite, could read a short object. Here an object is written to a file of its own, which
// replaces the old one only once it is whole, before the PUT is answered.
import { Buffer } from 'node:buffer';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout } from 'node:timers';
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
if (!directory || !bucket) {
  console.error('usage: s3rver-process.mjs <directory> <bucket>');
  process.exit(2);
}
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory,
  silent: true,
  configureBuckets: [{ name: bucket, configs: [] }],
});
const store = server.store;
store.putObject = async (object) => {
  const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
  await mkdir(dirname(objectPath), { recursive: true });
  // Not listed: s3rver lists only names that end with its object suffix.
  const partial = `${objectPath}.${randomUUID()}.partial`;
  const md5 = createHash('md5');
  let size = 0;
  const content = Buffer.isBuffer(object.content)
    ? Readable.from([object.content])
    : object.content;
  try {
    await pipeline(
      content,
      async function* (chunks) {
        for await (const chunk of chunks) {
          md5.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(partial),
    );
    await rename(partial, objectPath);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const digest = md5.digest('hex');
  await store.putMetadata(object.bucket, object.key, object.metadata, digest);
  return { size, md5: digest };
};
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
const stop = () => {
  server.close(() => process.exit(0));
  // Requests still open after a second are cut off.
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
