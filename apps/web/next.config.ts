import type { NextConfig } from 'next';
import { fileURLToPath } from 'node:url';

// In production the API server mounts this app, so /graphql and /files share its origin.
// `next dev` runs on its own port and forwards those paths to a running API server instead.
const apiOrigin = process.env.LATENT_LAB_API_URL ?? 'http://127.0.0.1:4000';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // TypeScript sources of the workspace: the domain's option lists and the engine's noise module.
  transpilePackages: ['@latent-lab/domain', '@latent-lab/engine'],
  turbopack: { root: fileURLToPath(new URL('../..', import.meta.url)) },
  async rewrites() {
    if (process.env.NODE_ENV !== 'development') return [];
    return [
      { source: '/graphql', destination: `${apiOrigin}/graphql` },
      { source: '/files/:path*', destination: `${apiOrigin}/files/:path*` },
    ];
  },
};

export default config;
