import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { NuqsAdapter } from 'nuqs/adapters/next/app';
import { SessionProvider } from '../shell/session.tsx';
import { SiteHeader } from '../shell/site-header.tsx';
import { serverSession } from '../shell/server-data.ts';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Latent Lab', template: '%s · Latent Lab' },
  description: 'Interpolate between real images in a VAE latent space and watch the frames arrive.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The session in the first HTML: no "Loading…" and no first round trip after sign-in.
  const session = await serverSession();
  const initial = session && { workspaceId: session.workspaceId, state: session.state };
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {/* URL state (the Runs filters, the comparison's view) goes through nuqs. */}
        <NuqsAdapter>
          <SessionProvider initial={initial} header={<SiteHeader />}>
            {children}
          </SessionProvider>
        </NuqsAdapter>
      </body>
    </html>
  );
}
