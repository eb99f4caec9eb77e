import { SharedReads } from '../../src/metrics/shared-reads';

/** SharedReads' rules with reads whose answers the test releases by hand. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const HOUR = { from: 1_000, to: 2_000 };

describe('SharedReads', () => {
  it('joins a read already running, and keeps its answer', async () => {
    const reads = new SharedReads();
    const d = deferred<number[]>();
    let calls = 0;
    const read = () => (calls++, d.promise);
    const a = reads.read('ws', 'k', HOUR, read);
    const b = reads.read('ws', 'k', HOUR, read);
    d.resolve([1]);
    expect([await a, await b, calls]).toEqual([[1], [1], 1]);
    expect(await reads.read('ws', 'k', HOUR, read)).toEqual([1]);
    expect(reads.snapshot()).toMatchObject({ hits: 1, misses: 1, joined: 1, entries: 1 });
  });

  it('a write landing while a read runs: the read is neither joined nor kept', async () => {
    const reads = new SharedReads();
    const before = deferred<string[]>();
    const first = reads.read('ws', 'k', HOUR, () => before.promise);
    reads.invalidate('ws', 1_500, 1_500);
    // A request after the write starts its own statement and sees the write.
    const second = reads.read('ws', 'k', HOUR, async () => ['after']);
    before.resolve(['before']);
    expect([await first, await second]).toEqual([['before'], ['after']]);
    expect(await reads.read('ws', 'k', HOUR, async () => ['fresh'])).toEqual(['after']);
  });

  it('invalidates only answers of the same workspace whose coverage holds the write', async () => {
    const reads = new SharedReads();
    await reads.read('ws', 'hour', HOUR, async () => [1]);
    await reads.read('ws', 'later', { from: 5_000, to: 6_000 }, async () => [2]);
    await reads.read('other', 'other-hour', HOUR, async () => [3]);
    reads.invalidate('ws', 1_999, 1_999);
    expect(await reads.read('ws', 'hour', HOUR, async () => [10])).toEqual([10]);
    expect(await reads.read('ws', 'later', { from: 5_000, to: 6_000 }, async () => [20])).toEqual([2]);
    expect(await reads.read('other', 'other-hour', HOUR, async () => [30])).toEqual([3]);
  });

  it('serves a kept answer no longer than its age, and keeps at most maxEntries', async () => {
    let now = 0;
    const reads = new SharedReads({ ttlMs: 100, maxEntries: 2, now: () => now });
    await reads.read('ws', 'a', HOUR, async () => ['a1']);
    now = 150;
    expect(await reads.read('ws', 'a', HOUR, async () => ['a2'])).toEqual(['a2']);
    await reads.read('ws', 'b', HOUR, async () => ['b']);
    await reads.read('ws', 'c', HOUR, async () => ['c']);
    expect(reads.snapshot().entries).toBe(2);
    expect(await reads.read('ws', 'a', HOUR, async () => ['a3'])).toEqual(['a3']); // the oldest was dropped
  });

  it("hands out frozen rows: a caller cannot change another caller's answer", async () => {
    const reads = new SharedReads();
    const rows = await reads.read('ws', 'k', HOUR, async () => [{ n: 1 }]);
    expect(() => ((rows as { n: number }[])[0].n = 2)).toThrow(TypeError);
    expect(() => (rows as unknown[]).push({})).toThrow(TypeError);
  });
});
