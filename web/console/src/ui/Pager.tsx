import { messages } from '../i18n';

/** "Show more" for cursor pages (useInfiniteQuery). */
export function LoadMore({ hasNext, loading, onMore }: { hasNext: boolean; loading: boolean; onMore: () => void }) {
  if (!hasNext) return null;
  return (
    <p>
      <button type="button" className="button button-secondary" disabled={loading} onClick={onMore}>
        {loading ? messages.common.loading : messages.common.loadMore}
      </button>
    </p>
  );
}
