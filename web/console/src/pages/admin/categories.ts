import { useQuery } from '@tanstack/react-query';
import { api, ensure, type Schema } from '../../../../shared/api';

export type DataCategory = Schema<'DataCategoryDto'>;

export const CATEGORIES_KEY = ['admin', 'data-categories'] as const;

/** The whole data-category taxonomy (a few dozen entries), every page fetched. */
export function useAllCategories() {
  return useQuery({
    queryKey: CATEGORIES_KEY,
    queryFn: async () => {
      const all: DataCategory[] = [];
      let cursor: string | undefined;
      do {
        const page = await ensure(api.GET('/v1/register/data-categories', { params: { query: { limit: 200, cursor } } }));
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
  });
}
