import { useState } from 'react';

/** Rows per page of the console's page-numbered lists. */
export const PAGE_SIZE = 20;

/**
 * Ant Design table pagination for an API page that says whether more follow (no total count): the pager shows
 * the pages seen so far and one more while `hasMore`.
 */
export function pagePagination(
  page: number,
  setPage: (page: number) => void,
  data: { items: unknown[]; hasMore: boolean } | undefined,
) {
  return {
    current: page,
    pageSize: PAGE_SIZE,
    total: (page - 1) * PAGE_SIZE + (data?.items.length ?? 0) + (data?.hasMore ? 1 : 0),
    onChange: setPage,
    showSizeChanger: false,
  };
}

/**
 * Keyset paging for a list whose API answers `nextCursor`: the stack of cursors of the pages passed, kept per
 * filter, so paging always asks for the current filter and a new filter starts again at page 1.
 */
export function useCursorPaging(filterKey: string) {
  const [state, setState] = useState<{ key: string; cursors: string[] }>({ key: filterKey, cursors: [] });
  const cursors = state.key === filterKey ? state.cursors : [];
  return {
    cursor: cursors.at(-1),
    page: cursors.length + 1,
    hasPrevious: cursors.length > 0,
    next: (cursor: string) => setState({ key: filterKey, cursors: [...cursors, cursor] }),
    previous: () => setState({ key: filterKey, cursors: cursors.slice(0, -1) }),
  };
}
