import type { Request, Response } from 'express';
import type { Logger } from 'pino';

type DashboardHandler = (request: Request, response: Response) => Promise<void>;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Latent Lab</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Latent Lab</h1>
<p>The API is running at <a href="/graphql">/graphql</a>. The dashboard is not built yet:</p>
<pre>npm run build:web</pre>
<p>then restart the server.</p>
</body></html>`;

/**
 * The dashboard (apps/web) mounted as the fallback route, so the product is one process and one
 * URL. Its absence or a missing build is not an error: a short page says how to build it.
 */
export async function loadDashboard(enabled: boolean, log: Logger): Promise<DashboardHandler> {
  if (enabled) {
    try {
      // A variable specifier keeps the dashboard an optional, runtime-only dependency.
      const specifier = '@latent-lab/web/server-handler';
      const dashboard = (await import(specifier)) as {
        createDashboardHandler?: () => Promise<DashboardHandler>;
      };
      if (typeof dashboard.createDashboardHandler === 'function') {
        const handler = await dashboard.createDashboardHandler();
        log.info('dashboard mounted');
        return handler;
      }
    } catch (error) {
      log.warn(
        `dashboard not available (${(error as Error).message}); serving the build hint page`,
      );
    }
  }
  return async (_request, response) => {
    response.status(200).type('html').send(NOT_BUILT_PAGE);
  };
}
