import { closeMatches, editDistance } from '../../src/domain/suggest';

describe('closeMatches', () => {
  const ids = ['dst_amplitude', 'dst_mixpanel', 'dst_braze_actions', 'dst_bigquery', 'dst_snowflake', 'dst_hubspot_actions'];

  it('measures edits case-insensitively', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('DST_Amplitude', 'dst_amplitude')).toBe(0);
  });

  it('finds typos and missing prefixes, closest first, never the input itself', () => {
    expect(closeMatches('dst_amplitud', ids)).toEqual(['dst_amplitude']);
    expect(closeMatches('amplitude', ids)).toEqual(['dst_amplitude']);
    expect(closeMatches('dst_braze', ids)).toEqual(['dst_braze_actions']);
    expect(closeMatches('dst_amplitude', ids)).toEqual([]);
    expect(closeMatches('zzzzzzzz', ids)).toEqual([]);
  });

  it('lists at most five', () => {
    const many = Array.from({ length: 9 }, (_, i) => `src_${i}`);
    expect(closeMatches('src_x', many)).toEqual(['src_0', 'src_1', 'src_2', 'src_3', 'src_4']);
  });
});

describe('bounded work (tracker issue 23, item 2)', () => {
  it('an input longer than any id gets no suggestions, at once', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `dst_${'x'.repeat(120)}${i}`);
    const started = performance.now();
    expect(closeMatches('d'.repeat(30_000), ids)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('stops measuring once the distance is past the limit, with the same answers', () => {
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('a'.repeat(100), 'b'.repeat(100), 2)).toBe(3);
  });
});
