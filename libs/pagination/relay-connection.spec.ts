import { decodeCursor, encodeCursor, pageSize, toConnection } from './relay-connection';

describe('relay pagination', () => {
  it('applies the default and the cap to first', () => {
    expect(pageSize(undefined)).toBe(25);
    expect(pageSize(null)).toBe(25);
    expect(pageSize(7)).toBe(7);
    expect(pageSize(1000)).toBe(100);
    expect(() => pageSize(-1)).toThrow(/non-negative/);
  });

  it('round-trips opaque cursors and rejects foreign ones', () => {
    const c = encodeCursor(['2026-11-25T00:00:00.000Z', 'abc']);
    expect(decodeCursor(c, 2)).toEqual(['2026-11-25T00:00:00.000Z', 'abc']);
    expect(decodeCursor(undefined, 2)).toBeNull();
    expect(() => decodeCursor(c, 3)).toThrow(/not a cursor/);
    expect(() => decodeCursor('%%%', 2)).toThrow(/not a cursor/);
  });

  it('builds a page with hasNextPage from one extra row', () => {
    const rows = [1, 2, 3].map((n) => ({ n }));
    const conn = toConnection(rows, 2, 10, (r) => [r.n], (r) => r.n * 10);
    expect(conn.edges.map((e) => e.node)).toEqual([10, 20]);
    expect(conn.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor([2]) });
    expect(toConnection(rows, 5, 3, (r) => [r.n], (r) => r).pageInfo.hasNextPage).toBe(false);
  });
});
