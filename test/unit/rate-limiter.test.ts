import { KeyedSemaphore, RateLimiter } from '../../src/domain/rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst, then refills at the rate, per key', () => {
    const l = new RateLimiter(2, 4);
    const t0 = 1_000_000;
    for (let i = 0; i < 4; i++) expect(l.take('a', 1, t0).ok).toBe(true);
    expect(l.take('a', 1, t0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(l.take('b', 1, t0).ok).toBe(true);
    expect(l.take('a', 1, t0 + 500).ok).toBe(true); // 0.5 s at 2/s = 1 token
    expect(l.take('a', 1, t0 + 500).ok).toBe(false);
  });

  it('charges by cost and says how long to wait', () => {
    const l = new RateLimiter(10, 100);
    expect(l.take('w', 80, 0).ok).toBe(true);
    expect(l.take('w', 80, 0)).toEqual({ ok: false, retryAfterSeconds: 6 });
    expect(l.take('w', 80, 6000).ok).toBe(true);
  });

  it('is off at rate 0', () => {
    expect(new RateLimiter(0, 1).take('x', 1e9).ok).toBe(true);
  });
});

describe('KeyedSemaphore', () => {
  it('lets one key hold at most N slots, so another key never queues behind it', async () => {
    const sem = new KeyedSemaphore(2);
    let active = 0;
    let peak = 0;
    const order: string[] = [];
    const task = (name: string, ms: number) =>
      sem.run(name.split(':')[0], async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, ms));
        active--;
        order.push(name);
      });
    await Promise.all([task('a:1', 60), task('a:2', 60), task('a:3', 60), task('a:4', 60), task('b:1', 10)]);
    expect(order.indexOf('b:1')).toBeLessThan(order.indexOf('a:3'));
    expect(order.slice(-2).sort()).toEqual(['a:3', 'a:4']);
    expect(peak).toBe(3); // two of a, one of b
  });
});
