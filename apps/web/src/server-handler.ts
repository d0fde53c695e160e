import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as nextModule from 'next';
import { API_ORIGIN_HEADER } from './lib/api-origin.ts';

interface NextApp {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}
// next is CommonJS: its function is the namespace's default at runtime, but NodeNext (the server's
// tsconfig) and Bundler (this app's) type that default differently, so it is named here once.
const createNextApp = nextModule.default as unknown as (options: {
  dev: boolean;
  dir: string;
}) => NextApp;

export type DashboardHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The folder of the Next.js app (apps/web), wherever the repository lives. */
export const dashboardDir = fileURLToPath(new URL('..', import.meta.url));

/** true once `npm run build:web` has produced a production build. */
export function dashboardBuilt(): boolean {
  return existsSync(join(dashboardDir, '.next', 'BUILD_ID'));
}

/**
 * The production dashboard as a plain Node request handler, for the API server to mount as its
 * fallback route so the dashboard and /graphql share one origin.
 */
export async function createDashboardHandler(): Promise<DashboardHandler> {
  if (!dashboardBuilt()) {
    throw new Error(
      `the dashboard is not built: run "npm run build:web" (no ${join(dashboardDir, '.next', 'BUILD_ID')})`,
    );
  }
  const app = createNextApp({ dev: false, dir: dashboardDir });
  await app.prepare();
  const handle = app.getRequestHandler();
  return (req, res) => {
    // Overwritten on every request: a client's own value must never choose where the server fetches.
    req.headers[API_ORIGIN_HEADER] = socketOrigin(req);
    return handle(req, res);
  };
}

/** http://address:port of the socket the request came in on: this process's API. */
function socketOrigin(req: IncomingMessage): string {
  const address = req.socket.localAddress ?? '127.0.0.1';
  return `http://${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort}`;
}
