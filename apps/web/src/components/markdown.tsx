'use client';
import ReactMarkdown, { defaultUrlTransform } from 'react-markdown';
import remarkGfm from 'remark-gfm';

/**
 * Markdown rendered safely: react-markdown builds React elements (no innerHTML), raw HTML in the
 * text is dropped (skipHtml) and link targets go through its URL filter (javascript: and other
 * unsafe schemes are removed). Images are shown as their text: they would load any address.
 * GitHub's extensions (tables, strikethrough, task lists, autolinks) are read as people write them.
 */
export default function Markdown({ notes }: { notes: string }) {
  return (
    <ReactMarkdown
      skipHtml
      remarkPlugins={[remarkGfm]}
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
