/**
 * The benchmark's load client, run as a separate process (client.child.ts, forked) so the
 * gateway process measures only itself. BenchClient drives it over IPC; the types below
 * are the messages' arguments and answers. Loopback only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/package-root';
import type { HerdArgs, HerdStepResult } from './herd.users';
import type { MixStepArgs, MixStepResult, PageLoadArgs, PageLoadResult } from './mix.users';

export interface GqlArgs {
  url: string;
  token: string;
  bodies: string[];
}
export interface GqlResult {
  ms: number[];
  errors: number;
  firstError: string | null;
  /** `data` of the first answer (for equality checks). */
  firstData: unknown;
}
export interface LoadArgs extends GqlArgs {
  concurrency: number;
  durationMs: number;
}
export interface LoadResult {
  completed: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  ms: number[];
}
export interface IngestArgs {
  url: string;
  token: string;
  reports: number;
  batchSize: number;
  concurrency: number;
  seed: number;
  now: number;
}
export interface IngestRunResult {
  seconds: number;
  reports: number;
  batches: number;
  bytes: number;
}
export interface WsOpenArgs {
  wsUrl: string;
  token: string;
  connections: number;
  perConnection: number;
  keys: string[];
  timeoutMs: number;
}
export interface WsOpenResult {
  subscriptions: number;
  ms: number;
  errors: number;
  firstError: string | null;
  clientRssMB: number;
}
export interface WsTrialArgs {
  url: string;
  ingestToken: string;
  key: string;
  timeoutMs: number;
}
export interface WsTrialResult {
  /** ms from just before the ingest POST to each subscriber of the key seeing the new count. */
  latencies: number[];
  missing: number;
  ingestMs: number;
  before: number;
  after: number;
}
export interface GqlAllResult {
  wallMs: number;
  errors: number;
  firstError: string | null;
  datas: unknown[];
}

/** The compiled client script (the bench runs from dist-tools; jest runs the sources and forks the build). */
function clientScript(): string {
  const here = path.join(__dirname, 'client.child.js');
  if (fs.existsSync(here)) return here;
  const built = path.join(PACKAGE_ROOT, 'dist-tools', 'tools', 'bench', 'client.child.js');
  if (fs.existsSync(built)) return built;
  throw new Error(`bench client not built: run \`npm run build:tools\` (looked for ${here} and ${built})`);
}

export class BenchClient {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`bench client: ${m.error}`));
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`bench client exited with ${code}`));
      this.pending.clear();
    });
  }

  static start(): BenchClient {
    const child = fork(clientScript(), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    return new BenchClient(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private call<T>(cmd: string, args: unknown): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, args });
    });
  }

  gql(args: GqlArgs): Promise<GqlResult> {
    return this.call('gql', args);
  }
  gqlAll(args: GqlArgs): Promise<GqlAllResult> {
    return this.call('gqlAll', args);
  }
  load(args: LoadArgs): Promise<LoadResult> {
    return this.call('load', args);
  }
  ingest(args: IngestArgs): Promise<IngestRunResult> {
    return this.call('ingest', args);
  }
  wsOpen(args: WsOpenArgs): Promise<WsOpenResult> {
    return this.call('wsOpen', args);
  }
  wsTrial(args: WsTrialArgs): Promise<WsTrialResult> {
    return this.call('wsTrial', args);
  }
  wsClose(): Promise<void> {
    return this.call('wsClose', {});
  }
  pageLoad(args: PageLoadArgs): Promise<PageLoadResult> {
    return this.call('pageLoad', args);
  }
  mixStep(args: MixStepArgs): Promise<MixStepResult> {
    return this.call('mixStep', args);
  }
  herdStep(args: HerdArgs): Promise<HerdStepResult> {
    return this.call('herdStep', args);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
