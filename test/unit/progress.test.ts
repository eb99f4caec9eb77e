import { phase, progressReporter } from '../../src/cli/progress';

/**
 * What a long CLI phase writes on stderr (src/cli/progress.ts): its first line at once, signs of
 * life while it runs, and a closing line; on a terminal one redrawn line, elsewhere plain lines.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function capture(): { write: (text: string) => void; out: string[] } {
  const out: string[] = [];
  return { write: (text) => void out.push(text), out };
}

describe('phase', () => {
  it('without a terminal: a line at once, one per heartbeat while it runs, then the summary', async () => {
    const c = capture();
    let startedWith = -1;
    const value = await phase(
      'migrate',
      'applying pending migrations',
      async () => {
        startedWith = c.out.length;
        await sleep(650);
        return 3;
      },
      (n) => `${n} applied`,
      { tty: false, heartbeatMs: 200, write: c.write },
    );
    expect(value).toBe(3);
    expect(startedWith).toBe(1);
    expect(c.out[0]).toBe('migrate: applying pending migrations …\n');
    const beats = c.out.slice(1, -1);
    expect(beats.length).toBeGreaterThanOrEqual(2);
    for (const beat of beats) expect(beat).toMatch(/^migrate: applying pending migrations … \d+ s\n$/);
    expect(c.out[c.out.length - 1]).toBe('migrate: 3 applied\n');
  });

  it('on a terminal: one line, redrawn, ended by the summary; a failure ends the line and rethrows', async () => {
    const c = capture();
    await phase('engine', 'opening', () => sleep(1100), undefined, { tty: true, write: c.write });
    expect(c.out[0]).toBe('engine: opening …');
    // eslint-disable-next-line no-control-regex -- the terminal's escape sequence is what this checks
    expect(c.out.some((t) => /^\r\x1b\[Kengine: opening … \d+ s$/.test(t))).toBe(true);
    // eslint-disable-next-line no-control-regex -- as above
    expect(c.out[c.out.length - 1]).toMatch(/^\r\x1b\[Kengine: done in \d+\.\d s\n$/);

    const f = capture();
    await expect(phase('engine', 'opening', () => Promise.reject(new Error('locked')), undefined, { tty: true, write: f.write })).rejects.toThrow('locked');
    expect(f.out).toEqual(['engine: opening …', '\n']);
  });
});

describe('progressReporter', () => {
  it('says what starts at once, then a line every 10 % or heartbeat, and stops quietly', async () => {
    const c = capture();
    const p = progressReporter('backfill', { tty: false, heartbeatMs: 300, write: c.write });
    p.start('writing 1 days of demo data');
    expect(c.out).toEqual(['backfill: writing 1 days of demo data …\n']);
    p.update(5, 100, 50); // under 10 %: nothing yet
    expect(c.out).toHaveLength(1);
    p.update(12, 100, 120);
    expect(c.out[1]).toMatch(/^backfill: 12% 120 rows \d+ rows\/s \d+ s\n$/);
    await sleep(1200); // no update: the heartbeat speaks
    expect(c.out.length).toBeGreaterThanOrEqual(3);
    p.stop();
    const after = c.out.length;
    await sleep(1200);
    expect(c.out).toHaveLength(after);
  });
});
