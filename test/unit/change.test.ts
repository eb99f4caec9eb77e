import { changeOf, rateContributionPoints } from '../../src/domain/change';

describe('rateContributionPoints', () => {
  // Version A keeps its volume while its failure rate jumps from 1 % to 20 %; version B keeps
  // its 1 % while its volume grows fiftyfold.
  const a = { count: { now: 200, before: 10 }, received: { now: 1000, before: 1000 } };
  const b = { count: { now: 500, before: 10 }, received: { now: 50_000, before: 1000 } };
  const whole = { count: { now: 700, before: 20 }, received: { now: 51_000, before: 2000 } };
  const moved = changeOf(700, 20, 51_000, 2000).percentagePoints!;

  it('gives the movement to the segment whose rate moved, none to the one whose volume grew', () => {
    expect(rateContributionPoints(a, whole)).toBeCloseTo(moved, 9);
    expect(rateContributionPoints(b, whole)).toBeCloseTo(0, 9);
  });

  it('adds up to the change of the rate over segments that split received', () => {
    const c = { count: { now: 30, before: 5 }, received: { now: 3000, before: 500 } };
    const total = { count: { now: 730, before: 25 }, received: { now: 54_000, before: 2500 } };
    const sum = [a, b, c].reduce((s, x) => s + rateContributionPoints(x, total)!, 0);
    expect(sum).toBeCloseTo(changeOf(730, 25, 54_000, 2500).percentagePoints!, 9);
  });

  it('is null when a period received nothing', () => {
    expect(rateContributionPoints(a, { ...whole, received: { now: 51_000, before: 0 } })).toBeNull();
  });
});
