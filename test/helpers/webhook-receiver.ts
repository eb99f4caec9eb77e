import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A receiver of signed requests on 127.0.0.1 for the replay and alert tests, and a verifier of
 * the Standard Webhooks signature scheme written here from the specification (1.0, "Verifying
 * webhook authenticity"), independently of the gateway's signer: it shares no code with it.
 */

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  at: number;
}

/** What the receiver answers a request with: a status, or 'hang' (never answer). */
export type Answer = number | 'hang';

export class Receiver {
  readonly requests: Received[] = [];
  private readonly hanging: http.ServerResponse[] = [];
  private server!: http.Server;
  url = '';

  constructor(private readonly answer: (r: Received, index: number) => Answer = () => 200) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Received = { path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.requests.push(r);
        const a = this.answer(r, this.requests.length - 1);
        if (a === 'hang') this.hanging.push(res);
        else res.writeHead(a).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves once `predicate` holds for the requests so far (polling), or fails after `ms`. */
  async until(predicate: (requests: Received[]) => boolean, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate(this.requests)) {
      if (Date.now() > end) throw new Error(`the receiver did not see what was expected within ${ms} ms (${this.requests.length} requests)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Seconds a webhook-timestamp may differ from the receiver's clock (the specification's example tolerance). */
const TOLERANCE_S = 5 * 60;

/**
 * The specification's check, step by step: the three headers are present; the timestamp is
 * within the tolerance; the secret is `whsec_` + base64 of the key; the signed content is
 * `${webhook-id}.${webhook-timestamp}.${raw body}`; HMAC-SHA256, base64; the header holds
 * space-separated `version,signature` pairs and one `v1` pair must match in constant time.
 * Returns null when valid, else why not.
 */
export function verifyStandardWebhook(secret: string, headers: http.IncomingHttpHeaders, rawBody: string, nowMs = Date.now()): string | null {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return 'missing headers';
  if (!/^\d+$/.test(timestamp)) return 'timestamp is not integer seconds';
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > TOLERANCE_S) return 'timestamp outside the tolerance';
  if (!secret.startsWith('whsec_')) return 'secret is not whsec_';
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = crypto
    .createHmac('sha256', key)
    .update(Buffer.from(`${id}.${timestamp}.${rawBody}`, 'utf8'))
    .digest();
  for (const pair of signatures.split(' ')) {
    const comma = pair.indexOf(',');
    if (comma < 0 || pair.slice(0, comma) !== 'v1') continue;
    const given = Buffer.from(pair.slice(comma + 1), 'base64');
    if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) return null;
  }
  return 'no v1 signature matches';
}
