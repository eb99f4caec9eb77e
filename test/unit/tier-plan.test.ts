import { minutesOnly, planTiers, type Span, type TierPlan } from '../../src/domain/tier-plan';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2026-11-25 00:00 UTC: a whole hour. */
const H0 = Date.UTC(2026, 10, 25, 0, 0);
const h = (hours: number, minutes = 0) => H0 + hours * HOUR + minutes * MIN;

/** A tiny deterministic LCG (Numerical Recipes constants); no Math.random. */
function lcg(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function spansOf(plan: TierPlan): Span[] {
  return [...(plan.hours ? [plan.hours] : []), ...plan.minutes].sort((a, b) => a.from - b.from);
}

function expectExactCover(plan: TierPlan, from: number, to: number): void {
  const spans = spansOf(plan);
  for (const s of spans) expect(s.to).toBeGreaterThan(s.from); // no empty spans
  let cursor = from;
  for (const s of spans) {
    expect(s.from).toBe(cursor); // contiguous: no gap, no overlap
    cursor = s.to;
  }
  expect(cursor).toBe(to);
  if (plan.hours) {
    expect(plan.hours.from % HOUR).toBe(0);
    expect(plan.hours.to % HOUR).toBe(0);
  }
  expect(plan.minutes.length).toBeLessThanOrEqual(2);
  for (const m of plan.minutes) {
    expect(m.from % MIN).toBe(0);
    expect(m.to % MIN).toBe(0);
  }
}

describe('planTiers', () => {
  it('uses only hours for a range on hour boundaries', () => {
    expect(planTiers(h(1), h(5))).toEqual({ hours: { from: h(1), to: h(5) }, minutes: [] });
  });

  it('uses only hours for exactly one aligned hour', () => {
    expect(planTiers(h(3), h(4))).toEqual({ hours: { from: h(3), to: h(4) }, minutes: [] });
  });

  it('uses only minutes for a range inside one hour', () => {
    expect(planTiers(h(2, 10), h(2, 50))).toEqual({ hours: null, minutes: [{ from: h(2, 10), to: h(2, 50) }] });
    expect(planTiers(h(2, 0), h(2, 59))).toEqual({ hours: null, minutes: [{ from: h(2, 0), to: h(2, 59) }] });
    expect(planTiers(h(2, 1), h(3, 0))).toEqual({ hours: null, minutes: [{ from: h(2, 1), to: h(3, 0) }] });
  });

  it('uses only minutes for a one-hour range that is not aligned (it holds no whole hour)', () => {
    expect(planTiers(h(2, 30), h(3, 30))).toEqual({ hours: null, minutes: [{ from: h(2, 30), to: h(3, 30) }] });
  });

  it('uses only minutes for a range crossing one hour boundary without a whole hour', () => {
    expect(planTiers(h(2, 45), h(3, 15))).toEqual({ hours: null, minutes: [{ from: h(2, 45), to: h(3, 15) }] });
  });

  it('splits off a ragged head only', () => {
    expect(planTiers(h(1, 17), h(4))).toEqual({ hours: { from: h(2), to: h(4) }, minutes: [{ from: h(1, 17), to: h(2) }] });
  });

  it('splits off a ragged tail only', () => {
    expect(planTiers(h(1), h(4, 43))).toEqual({ hours: { from: h(1), to: h(4) }, minutes: [{ from: h(4), to: h(4, 43) }] });
  });

  it('splits off both a ragged head and tail', () => {
    expect(planTiers(h(1, 17), h(4, 43))).toEqual({
      hours: { from: h(2), to: h(4) },
      minutes: [
        { from: h(1, 17), to: h(2) },
        { from: h(4), to: h(4, 43) },
      ],
    });
  });

  it('plans a single whole hour between two ragged edges', () => {
    expect(planTiers(h(1, 59), h(3, 1))).toEqual({
      hours: { from: h(2), to: h(3) },
      minutes: [
        { from: h(1, 59), to: h(2) },
        { from: h(3), to: h(3, 1) },
      ],
    });
  });

  it('plans nothing for an empty or inverted range', () => {
    expect(planTiers(h(2), h(2))).toEqual({ hours: null, minutes: [] });
    expect(planTiers(h(2, 30), h(2, 30))).toEqual({ hours: null, minutes: [] });
    expect(planTiers(h(3), h(2))).toEqual({ hours: null, minutes: [] });
  });

  it('covers [from, to) exactly with disjoint spans for many seeded random minute-aligned ranges', () => {
    const rnd = lcg(20261125);
    const base = h(-24 * 20);
    let withHours = 0;
    let minutesOnlyPlans = 0;
    for (let i = 0; i < 5000; i++) {
      const from = base + Math.floor(rnd() * 40 * 24 * 60) * MIN;
      // Mix short (inside an hour), medium and long lengths.
      const scale = [30, 180, 3 * 24 * 60, 16 * 24 * 60][Math.floor(rnd() * 4)];
      const to = from + (1 + Math.floor(rnd() * scale)) * MIN;
      const plan = planTiers(from, to);
      expectExactCover(plan, from, to);
      if (plan.hours) {
        withHours++;
        // The hour span is maximal: the ragged minutes never hold a whole hour.
        expect(plan.hours.from).toBe(Math.ceil(from / HOUR) * HOUR);
        expect(plan.hours.to).toBe(Math.floor(to / HOUR) * HOUR);
        for (const m of plan.minutes) expect(m.to - m.from).toBeLessThan(HOUR);
      } else {
        minutesOnlyPlans++;
        expect(plan.minutes).toHaveLength(1);
        // No whole aligned hour fits inside the range.
        expect(Math.floor(to / HOUR) * HOUR).toBeLessThanOrEqual(Math.ceil(from / HOUR) * HOUR);
      }
    }
    expect(withHours).toBeGreaterThan(100);
    expect(minutesOnlyPlans).toBeGreaterThan(100);
  });
});

describe('minutesOnly', () => {
  it('is one minute span, or nothing for an empty range', () => {
    expect(minutesOnly(h(1, 17), h(4, 43))).toEqual({ hours: null, minutes: [{ from: h(1, 17), to: h(4, 43) }] });
    expect(minutesOnly(h(1), h(1))).toEqual({ hours: null, minutes: [] });
  });
});
