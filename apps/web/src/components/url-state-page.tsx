import { Suspense, type ComponentType } from 'react';

/**
 * The page of a view that reads the URL (useSearchParams, nuqs): the view under the Suspense
 * boundary that needs, which says `loading` until the URL is known.
 */
export function urlStatePage(View: ComponentType, loading = 'Loading…') {
  return function UrlStatePage() {
    return (
      <Suspense fallback={<p className="muted">{loading}</p>}>
        <View />
      </Suspense>
    );
  };
}
