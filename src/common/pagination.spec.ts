import { encodeCursor, pageItems, PageQueryDto } from './pagination.js';

describe('pageItems', () => {
  const items = ['c', 'a', 'e', 'b', 'd'].map((name) => ({ name }));
  const byName = (item: { name: string }) => item.name;

  it.each<[PageQueryDto, string[], boolean, string]>([
    [{}, ['a', 'b', 'c', 'd', 'e'], false, 'no limit: every item, sorted, no next page'],
    [{ limit: 2 }, ['a', 'b'], true, 'first page'],
    [{ limit: 2, cursor: encodeCursor({ s: 'b' }) }, ['c', 'd'], true, 'next page starts after the cursor'],
    [{ limit: 2, cursor: encodeCursor({ s: 'd' }) }, ['e'], false, 'last page has no next cursor'],
    [{ limit: 2, cursor: encodeCursor({ s: 'bb' }) }, ['c', 'd'], true, 'the cursor item was removed: no skip, no repeat'],
  ])('%j → %j (next: %s) — %s', (query, names, hasNext, _rule) => {
    const page = pageItems(items, query, byName);
    expect(page.items.map(byName)).toEqual(names);
    expect(page.nextCursor !== null).toBe(hasNext);
  });

  it('walking the pages with nextCursor visits every item once', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = pageItems(items, { limit: 2, cursor }, byName);
      seen.push(...page.items.map(byName));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('refuses a cursor from another list with a 400 naming cursor', () => {
    expect(() => pageItems(items, { cursor: encodeCursor({ k: 42 }) }, byName)).toThrow(expect.objectContaining({ response: expect.objectContaining({ errors: [{ path: 'cursor', message: 'cursor is not valid for this list' }] }) }));
  });
});
