// s3rver in a process of its own, started by test/helpers/s3.ts as
//   node --openssl-legacy-provider s3rver-process.mjs <directory> <bucket>
// The flag is needed because s3rver 3.7 encrypts ListObjectsV2 continuation tokens with DES, which
// OpenSSL 3 only offers through its legacy provider (without it, listing more than 1000 keys
// fails with a 500). Prints {"port":N} once listening; exits on SIGTERM or when stdin closes
// (the test process is gone).
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
