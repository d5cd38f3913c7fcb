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
