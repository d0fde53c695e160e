// The small HTTP listener of a worker-only process (METRICS_PORT): the probes and /metrics, which
// API processes serve on their own port. Nothing else is served here.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerProbe, type ReadinessChecks } from '../health/probes.ts';
import type { Metrics } from '../metrics.ts';

export interface OpsListener {
  url: string;
  close(): Promise<void>;
}

export async function startOpsListener(options: {
  port: number;
  host: string;
  readiness: ReadinessChecks;
  metrics: Metrics;
}): Promise<OpsListener> {
  const server: Server = createServer((request, response) => {
    answerProbe(request, response, options.readiness)
      .then(async (answered) => {
        if (answered) return;
        if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') {
          const { contentType, body } = await options.metrics.scrape();
          response.writeHead(200, { 'content-type': contentType });
          response.end(body);
          return;
        }
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found\n');
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`${error instanceof Error ? error.message : String(error)}\n`);
      });
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
