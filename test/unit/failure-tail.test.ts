import { FailureTail, type TailBatch, type TailReport } from '../../src/live/failure-tail';

const r = (i: number, extra: Partial<TailReport> = {}): TailReport => ({
  time: i,
  destinationId: 'd',
  mappingId: '',
  sourceId: 's',
  step: 'failed_delivery',
  reason: '500',
  eventType: 'track',
  eventName: 'E',
  appVersion: '1',
  enriched: false,
  messageId: `m${i}`,
  count: 1,
  ...extra,
});
const filter = { destinationId: 'd', steps: ['failed_delivery'], mappingId: null };

describe('FailureTail', () => {
  it('caps each second, starts again the next second, and keeps no more than the cap for a reader that does not read', async () => {
    let now = 10_000;
    const tail = new FailureTail({ maxPerSecond: 3, maxPerWorkspace: 10, now: () => now });
    const it = tail.subscribe('ws', filter);
    expect((await it.next()).value).toEqual({ failures: [], more: 0 });
    tail.publish('ws', [r(1), r(2), r(3), r(4), r(5)]);
    tail.publish('ws', [r(6), r(7, { destinationId: 'other' }), r(8, { step: 'delivered' })]);
    const first = (await it.next()).value as TailBatch;
    expect(first.failures.map((f) => f.messageId)).toEqual(['m1', 'm2', 'm3']);
    expect(first.more).toBe(3);
    now += 1000;
    tail.publish('ws', [r(9), r(10), r(11), r(12)]);
    const second = (await it.next()).value as TailBatch;
    expect([second.failures.map((f) => f.messageId), second.more]).toEqual([['m9', 'm10', 'm11'], 1]);
    await it.return!();
    expect(tail.activeSubscriptions).toBe(0);
    tail.close();
  });

  it('refuses subscriptions past the workspace cap and ends every iterator when closed', async () => {
    const tail = new FailureTail({ maxPerSecond: 3, maxPerWorkspace: 1 });
    const it = tail.subscribe('ws', filter);
    expect(() => tail.subscribe('ws', filter)).toThrow(/maximum of 1/);
    await it.next();
    const waiting = it.next();
    tail.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });
});
