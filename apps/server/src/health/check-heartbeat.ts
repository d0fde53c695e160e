// Container health check for a worker: exits 0 when the heartbeat file's last beat is ok and at
// most MAX_AGE seconds old, 1 otherwise (with the reason on stderr).
//   node apps/server/dist/health/check-heartbeat.js <file> [max-age-seconds, default 30]
import { heartbeatProblem } from './heartbeat.ts';

const [file, maxAge = '30'] = process.argv.slice(2);
if (!file || !(Number(maxAge) > 0)) {
  console.error('usage: check-heartbeat <file> [max-age-seconds]');
  process.exit(2);
}
const problem = await heartbeatProblem(file, Number(maxAge) * 1000);
if (problem) {
  console.error(problem);
  process.exit(1);
}
