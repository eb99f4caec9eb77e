import { LiveHub, type TickScope } from '../../src/live/hub';

describe('LiveHub ticks per workspace', () => {
  it('polls every key of a workspace in one tick with one shared scope, each workspace in its own', async () => {
    const ticks: [string, number][] = [];
    const hub = new LiveHub({ intervalMs: 50, onTick: (ws, keys) => ticks.push([ws, keys]) });
    const scopes = new Map<string, Set<TickScope>>();
    const poll = (ws: string) => async (scope: TickScope) => {
      const seen = scopes.get(ws) ?? new Set();
      seen.add(scope);
      scopes.set(ws, seen);
      return scope.shared('n', () => Math.random());
    };
    const subs = [
      hub.subscribe('a', 'k1', poll('a')),
      hub.subscribe('a', 'k2', poll('a')),
      hub.subscribe('a', 'k3', poll('a')),
      hub.subscribe('b', 'k1', poll('b')),
    ];
    const first = await Promise.all(subs.map((s) => s.next()));
    await new Promise((r) => setTimeout(r, 400));
    hub.close();
    expect(first.every((r) => !r.done)).toBe(true);
    const aTicks = ticks.filter(([ws]) => ws === 'a');
    expect(aTicks.length).toBeGreaterThanOrEqual(2);
    expect(aTicks.every(([, keys]) => keys === 3)).toBe(true);
    expect(ticks.filter(([ws]) => ws === 'b').every(([, keys]) => keys === 1)).toBe(true);
    // Three keys, but per tick one scope: 3 first polls (one scope each) + one scope per tick.
    expect(scopes.get('a')!.size).toBe(3 + aTicks.length);
    expect(hub.activeWorkspaces).toBe(0);
  });
});
