import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/**
 * The gateway under test, as the harness's child process: spawning it, killing it, stopping it,
 * and the bits of setup around it (a free loopback port, an ingest token).
 */

/** The one workspace the harness ingests into: its ingest token is scoped to it, and verification reads it back. */
export const WORKSPACE = 'durability';

export class GatewayChild {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  listening = false;
  starts = 0;
  /** Exits the harness did not cause (neither kill() nor stop()), with their exit code or signal. */
  readonly unexpectedExits: string[] = [];
  private expectingExit = false;
  readonly startMs: number[] = [];
  /** Orphaned deduplication records the gateway's start-up said it repaired (its `recovered deduplication records` log lines). */
  repairedOrphans = 0;
  private tail: string[] = [];

  constructor(
    private readonly cli: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns `serve`; resolves once it logs "gateway listening" (or rejects if it exits first). */
  spawn(): Promise<string> {
    const started = Date.now();
    this.listening = false;
    this.starts++;
    this.expectingExit = false;
    const child = spawn(process.execPath, [this.cli, 'serve'], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.expectingExit) this.unexpectedExits.push(`${signal ?? code} after ${Date.now() - started} ms${this.listening ? ' (was listening)' : ''}`);
        resolve(signal ? null : code);
      }),
    );
    return new Promise<string>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => reject(new Error(`gateway did not listen within 60 s:\n${this.tail.join('\n')}`)), 60_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          this.remember(line);
          this.countRepair(line);
          if (this.listening || !line.includes('gateway listening')) continue;
          try {
            const entry = JSON.parse(line) as { msg?: string; graphql?: string };
            if (entry.msg === 'gateway listening' && entry.graphql) {
              this.listening = true;
              this.startMs.push(Date.now() - started);
              clearTimeout(timer);
              resolve(entry.graphql);
            }
          } catch {
            /* not a log line */
          }
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => this.remember(chunk.toString()));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!this.listening)
          reject(Object.assign(new Error(`gateway exited (${signal ?? code}) before listening:\n${this.tail.join('\n')}`), { killed: signal === 'SIGKILL' }));
      });
    });
  }

  /** SIGKILL, and wait until the process is gone (the engine's files are released). */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.expectingExit = true;
    this.child.kill('SIGKILL');
    await this.exited;
    this.listening = false;
  }

  /** SIGTERM (graceful), SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  async stop(graceMs = 20_000): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return this.child?.exitCode ?? null;
    this.expectingExit = true;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    this.listening = false;
    return code;
  }

  /** For an exit handler: synchronous best effort. */
  killNow(): void {
    this.expectingExit = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  lastLines(): string {
    return this.tail.join('\n');
  }

  private countRepair(line: string): void {
    if (!line.includes('recovered deduplication records')) return;
    try {
      this.repairedOrphans += Number((JSON.parse(line) as { records?: number }).records ?? 0);
    } catch {
      /* not a log line */
    }
  }

  private remember(text: string): void {
    for (const line of text.split('\n')) if (line.trim()) this.tail.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
    if (this.tail.length > 40) this.tail = this.tail.slice(-40);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A token of the harness's workspace with one scope (INGEST for the producers, READ for the API check). */
export async function createToken(port: number, rootToken: string, scope: 'INGEST' | 'READ'): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${rootToken}` },
    body: JSON.stringify({ query: `mutation { createApiToken(workspaceId: "${WORKSPACE}", scopes: [${scope}], label: "durability harness") }` }),
  });
  const body = (await res.json()) as { data?: { createApiToken?: string }; errors?: { message: string }[] };
  const token = body.data?.createApiToken;
  if (!token) throw new Error(`createApiToken failed: ${JSON.stringify(body.errors ?? body)}`);
  return token;
}
