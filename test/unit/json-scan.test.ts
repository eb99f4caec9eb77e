import { scanJson } from '../../src/domain/json-scan';

describe('scanJson (security review, item 8)', () => {
  it('measures depth and top-level elements of valid JSON', () => {
    expect(scanJson('[]', 100)).toEqual({ depth: 1, elements: 0 });
    expect(scanJson('[1]', 100)).toEqual({ depth: 1, elements: 1 });
    expect(scanJson(' [ [1, 2], {"a": [3]}, "x,]" ] ', 100)).toEqual({ depth: 3, elements: 3 });
    expect(scanJson('{"a": [1, 2, 3]}', 100)).toEqual({ depth: 2, elements: 0 });
    expect(scanJson('["a\\"]", "b"]', 100)).toEqual({ depth: 1, elements: 2 });
    expect(scanJson(Buffer.from('[{"s": "ü,"}, 2]'), 100)).toEqual({ depth: 2, elements: 2 });
  });

  it('stops as soon as a limit is passed', () => {
    expect(scanJson('['.repeat(10 * 1024 * 1024), 64).depth).toBe(65);
    expect(scanJson(`[${'0,'.repeat(3_400_000)}0]`, 64, 10_000).elements).toBe(10_001);
  });
});
