'use client';
import { useId, useState, type ReactNode } from 'react';

/** Copies text to the clipboard and says so (or says to copy it by hand). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <button
        type="button"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setState('copied');
          } catch {
            setState('failed');
          }
        }}
      >
        {label}
      </button>
      <span role="status" className="muted">
        {state === 'copied' ? 'Copied.' : state === 'failed' ? 'Select the text and copy it.' : ''}
      </span>
    </>
  );
}

/** "Copy link": copies the full address of a path of this dashboard (what a person pastes). */
export function CopyLinkButton({ path }: { path: string }) {
  const text = typeof window === 'undefined' ? path : new URL(path, window.location.origin).href;
  return <CopyButton text={text} label="Copy link" />;
}

/**
 * A secret or link to hand on: its label, the text read-only (focus selects it all) and a copy
 * button; `children` follow the button on its row.
 */
export function CopyField({
  label,
  text,
  copyLabel,
  testId,
  children,
}: {
  label: ReactNode;
  text: string;
  copyLabel: string;
  testId: string;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={`${id}-text`}>{label}</label>
      <div className="row">
        <input
          id={`${id}-text`}
          className="mono"
          readOnly
          value={text}
          onFocus={(e) => e.target.select()}
          data-testid={testId}
        />
        <CopyButton text={text} label={copyLabel} />
        {children}
      </div>
    </>
  );
}
