// s3rver as MinIO's stand-in in the Compose test: port 9000 on every interface, objects in /data,
// the bucket S3_BUCKET created at start. Path-style only (vhostBuckets false): otherwise the
// host name `minio` would be read as a bucket name. `node server.mjs check` is the minio-init
// substitute: it exits 0 once the bucket answers a listing.
import S3rver from 's3rver';

const bucket = process.env.S3_BUCKET;
if (!bucket) throw new Error('S3_BUCKET is required');

if (process.argv[2] === 'check') {
  const endpoint = process.env.S3_ENDPOINT ?? 'http://minio:9000';
  const response = await globalThis.fetch(`${endpoint}/${bucket}?list-type=2&max-keys=1`);
  console.log(`bucket ${bucket}: HTTP ${response.status}`);
  process.exit(response.ok ? 0 : 1);
}

const server = new S3rver({
  address: '0.0.0.0',
  port: 9000,
  directory: '/data',
  silent: true,
  vhostBuckets: false,
  configureBuckets: [{ name: bucket, configs: [] }],
});
await server.run();
console.log(`s3rver listening on :9000 with bucket ${bucket}`);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
