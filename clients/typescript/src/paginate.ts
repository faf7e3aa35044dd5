/** One page of any list the API returns. */
export interface Page<Item> {
  items: Item[];
  next_cursor: string | null;
}

/**
 * Every item of a list, page after page, as an async iterator:
 *
 * ```ts
 * for await (const release of paginate((cursor) =>
 *   ok(client.GET("/v1/releases", { params: { query: { cursor, limit: 100 } } })),
 * )) console.log(release.version);
 * ```
 */
export async function* paginate<Item>(
  fetchPage: (cursor: string | undefined) => Promise<Page<Item>>,
): AsyncGenerator<Item, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}
