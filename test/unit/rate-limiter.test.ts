import { DiscardSampler } from '../../src/ingest/sampler';
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

describe('KeyedSemaphore bounds (security review, suspected item)', () => {
  it('refuses a task past the queue bound with RATE_LIMITED, and one that waits too long with QUERY_TIMEOUT', async () => {
    const gate = new KeyedSemaphore(1, 2, 100);
    let release!: () => void;
    const holder = gate.run('ws', () => new Promise<void>((r) => (release = r)));
    const waiters = [gate.run('ws', async () => 'a'), gate.run('ws', async () => 'b')];
    await expect(gate.run('ws', async () => 'c')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(waiters[0]).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
    await expect(waiters[1]).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
    release();
    await holder;
    // The slot is free again and nothing is left queued.
    expect(await gate.run('ws', async () => 'd')).toBe('d');
    expect(await gate.run('other', async () => 'e')).toBe('e');
  });
});

describe('DiscardSampler bound (security review, suspected item)', () => {
  it('holds at most maxKeys keys a minute, whatever producers send', () => {
    const sampler = new DiscardSampler(10, 100);
    const now = Date.UTC(2026, 10, 25, 12, 0, 30);
    const taken = Array.from({ length: 1000 }, (_, i) => sampler.take(`ws\u0000dst\u0000failed_delivery\u0000reason-${i}`, now, now)).filter(Boolean).length;
    expect(taken).toBe(100);
    expect(sampler.size).toBe(100);
    // A key already held keeps its own budget.
    expect(sampler.take('ws\u0000dst\u0000failed_delivery\u0000reason-0', now, now)).toBe(true);
    // The next minute starts empty.
    expect(sampler.take('ws\u0000dst\u0000failed_delivery\u0000reason-999', now + 60_000, now + 60_000)).toBe(true);
  });
});
