'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/', label: 'Runs' },
  { href: '/runs/new', label: 'New run' },
  { href: '/compare', label: 'Compare' },
  { href: '/presets', label: 'Presets' },
  { href: '/images', label: 'Images' },
] as const;

function isActive(pathname: string, href: string): boolean {
  if (href === '/')
    return pathname === '/' || (pathname.startsWith('/runs/') && pathname !== '/runs/new');
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function Nav() {
  const pathname = usePathname() ?? '/';
  return (
    <nav aria-label="Main" className="nav">
      <ul>
        {LINKS.map((link) => (
          <li key={link.href}>
            <Link
              href={link.href}
              aria-current={isActive(pathname, link.href) ? 'page' : undefined}
            >
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
