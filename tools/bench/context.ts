import type { Gateway } from '../../src/app/gateway';
import type { BenchClient } from './client';
import type { DatasetDestination } from './dataset';

/** What every section gets: the gateway under test, the load client, the dataset. */
export interface BenchContext {
  gateway: Gateway;
  client: BenchClient;
  quick: boolean;
  /** The dataset's workspace and a read token for it. */
  workspaceId: string;
  readToken: string;
  destinations: DatasetDestination[];
  /** Progress lines (stderr), never part of the result. */
  progress(line: string): void;
}

/**
 * Runs `fn` and returns the ClickHouse query families the gateway's Db issued meanwhile:
 * `families` for the answer, `auth` counted apart (token verification, cached 5 s, runs
 * whenever that cache is cold).
 */
export async function countQueries<R>(ctx: BenchContext, fn: () => Promise<R>): Promise<{ result: R; families: string[]; auth: number }> {
  const families: string[] = [];
  let auth = 0;
  const listener = (e: { family: string }) => (e.family === 'auth' ? auth++ : families.push(e.family));
  ctx.gateway.db.events.on('query', listener);
  try {
    return { result: await fn(), families, auth };
  } finally {
    ctx.gateway.db.events.off('query', listener);
  }
}

export const sameAnswer = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
