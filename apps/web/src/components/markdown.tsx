'use client';
import ReactMarkdown, { defaultUrlTransform } from 'react-markdown';

/**
 * Markdown rendered safely: react-markdown builds React elements (no innerHTML), raw HTML in the
 * text is dropped (skipHtml) and link targets go through its URL filter (javascript: and other
 * unsafe schemes are removed). Images are shown as their text: they would load any address.
 */
export default function Markdown({ notes }: { notes: string }) {
  return (
    <ReactMarkdown
      skipHtml
      urlTransform={defaultUrlTransform}
      components={{
        a: ({ node: _node, ...props }) => (
          <a {...props} target="_blank" rel="noopener noreferrer nofollow" />
        ),
        img: ({ alt }) => <span>{alt}</span>,
      }}
    >
      {notes}
    </ReactMarkdown>
  );
}
