import { judgeQuiet, QUIET_MEANINGS } from '../../src/alerts/quiet';
import { DESTINATION_KINDS, entryStepOf } from '../../src/domain/steps';

describe('DESTINATION_QUIET: the verdict from the counts', () => {
  it('fires below the threshold share of what was expected, filters taken out first', () => {
    const v = judgeQuiet('classic', { entry: 5000, filtered: 1000, delivered: 20 }, 1, 'dst_a', '1 h');
    expect(v).toMatchObject({ share: 0.5, expected: 4000, breach: true, counts: { received: 5000, filtered: 1000, expected: 4000, delivered: 20 } });
    expect(Object.keys(v.counts)).toEqual(['received', 'filtered', 'expected', 'delivered']);
    expect(v.detail).toBe(
      'delivered share of dst_a is 0.5% over the last 1 h: 5,000 events its sources received, 1,000 filtered on purpose, 4,000 expected, 20 delivered (alert below 1%)',
    );
    expect(judgeQuiet('classic', { entry: 5000, filtered: 1000, delivered: 40 }, 1, 'dst_a', '1 h')).toMatchObject({ share: 1, breach: false });
  });

  it('nothing expected is not silence: an idle source, or filters that take everything', () => {
    expect(judgeQuiet('classic', { entry: 0, filtered: 0, delivered: 0 }, 1, 'd', '1 h')).toMatchObject({ share: null, expected: 0, breach: false });
    expect(judgeQuiet('actions', { entry: 300, filtered: 300, delivered: 0 }, 1, 'd', '1 h')).toMatchObject({ share: null, expected: 0, breach: false });
    // Filters counted over a wider set than the entry never make expected negative.
    expect(judgeQuiet('classic', { entry: 10, filtered: 20, delivered: 0 }, 1, 'd', '1 h').expected).toBe(0);
  });

  it('names its counts per kind; a storage share counts rows and stops at 100', () => {
    expect(Object.keys(judgeQuiet('retl', { entry: 10, filtered: 0, delivered: 0 }, 1, 'd', '1 h').counts)).toEqual([
      'extracted',
      'filtered',
      'expected',
      'delivered',
    ]);
    expect(Object.keys(judgeQuiet('audience', { entry: 10, filtered: 0, delivered: 0 }, 1, 'd', '1 h').counts)).toEqual([
      'computed',
      'filtered',
      'expected',
      'delivered',
    ]);
    const storage = judgeQuiet('storage', { entry: 100, filtered: 0, delivered: 250 }, 1, 'd', '1 h');
    expect(storage).toMatchObject({ share: 100, counts: { received: 100, rowsSynced: 250 } });
    expect(storage.detail).toContain('250 rows loaded by its syncs');
  });

  it("the entry count of every kind is the first box of the kind's pipeline", () => {
    for (const kind of DESTINATION_KINDS) expect([kind, QUIET_MEANINGS[kind].entry]).toEqual([kind, entryStepOf(kind)]);
  });
});
