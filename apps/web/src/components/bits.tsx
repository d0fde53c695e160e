import { Fragment, type CSSProperties, type ReactNode } from 'react';
import type { RunStatus } from '../gql/graphql.ts';

export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`status status-${status}`}>{status.toLowerCase()}</span>;
}

/**
 * A scroll area the keyboard reaches: focusable and named, so arrow keys scroll what overflows it
 * (a scroll area with nothing focusable inside is otherwise out of a keyboard's reach).
 */
export function ScrollRegion({
  label,
  className,
  children,
}: {
  label: string;
  className: string;
  children: ReactNode;
}) {
  return (
    <div className={className} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function ErrorMessage({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="alert error" role="alert">
      {message}
    </p>
  );
}

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {message}
    </p>
  );
}

/**
 * An image in a box whose aspect ratio is known before the image loads, so nothing moves when it
 * arrives. Without a src it shows an empty placeholder of the same size.
 */
export function FrameBox({
  src,
  width,
  height,
  alt,
  eager = false,
  className,
  children,
}: {
  src: string | null | undefined;
  width: number;
  height: number;
  alt: string;
  eager?: boolean;
  className?: string;
  children?: ReactNode;
}) {
  const style = { '--ratio': `${width} / ${height}` } as CSSProperties;
  return (
    <div
      className={`frame-box${src ? '' : ' empty'}${className ? ` ${className}` : ''}`}
      style={style}
    >
      {src ? (
        <img
          src={src}
          alt={alt}
          width={width}
          height={height}
          loading={eager ? 'eager' : 'lazy'}
          decoding="async"
        />
      ) : null}
      {children}
    </div>
  );
}

export function ProgressBar({
  done,
  total,
  label,
}: {
  done: number;
  total: number;
  label: string;
}) {
  const percent = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={`${done} of ${total} frames`}
    >
      <div style={{ width: `${percent}%` }} />
    </div>
  );
}

/**
 * A file name that wraps only between its parts (before a dot, after _ or -), never inside a
 * word, unless one part alone is wider than the line.
 */
export function FileName({ name }: { name: string }) {
  const parts = name.split(/(?=\.)|(?<=[_-])/);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 ? <wbr /> : null}
          {part}
        </Fragment>
      ))}
    </>
  );
}
