import Link from 'next/link';
import { AccountBar, HeaderMenu, Nav } from './nav.tsx';

export function SiteHeader() {
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        Latent Lab
      </Link>
      <HeaderMenu>
        <Nav />
        <AccountBar />
      </HeaderMenu>
    </header>
  );
}
