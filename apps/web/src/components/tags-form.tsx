'use client';
import { useId, useState, type CSSProperties, type FormEvent } from 'react';
import { commaList } from '../lib/format.ts';

/**
 * A one-line form that adds comma-separated tags. `onTags` gets them (never none) and says
 * whether they were added, which empties the field.
 */
export function TagsForm({
  label,
  placeholder,
  submitLabel,
  small = false,
  busy,
  needsText = false,
  formStyle,
  inputStyle,
  onTags,
}: {
  label: string;
  placeholder: string;
  submitLabel: string;
  small?: boolean;
  busy: boolean;
  /** The button stays disabled while the field is empty. */
  needsText?: boolean;
  formStyle?: CSSProperties;
  inputStyle: CSSProperties;
  onTags: (tags: string[]) => Promise<boolean>;
}) {
  const id = useId();
  const [text, setText] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    const tags = commaList(text);
    if (tags.length > 0 && (await onTags(tags))) setText('');
  }

  return (
    <form className="row" onSubmit={submit} style={formStyle}>
      <label htmlFor={`${id}-tags`} className="visually-hidden">
        {label}
      </label>
      <input
        id={`${id}-tags`}
        placeholder={placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
        style={inputStyle}
      />
      <button
        type="submit"
        className={small ? 'small' : undefined}
        disabled={busy || (needsText && text.trim() === '')}
      >
        {submitLabel}
      </button>
    </form>
  );
}
