import { isPublicAddress, literalAddress } from '../alerts/notify/egress';
import { newSigningSecret } from '../alerts/notify/standard-webhooks';
import type { SecretBox } from '../auth/secret-box';
import { badInput } from '../domain/errors';
import type { WorkspaceDb } from '../metrics/workspace-db';

/** After a rotation the previous secret signs too, this long, so receivers switch without losing a batch. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
const MAX_URL_LENGTH = 2048;

/** A workspace's replay endpoint: where batches are pushed and the Standard Webhooks secret that signs them. */
export interface ReplayEndpointValue {
  url: string;
  secret: string;
  /** The secret before the last rotation, still signing until previousUntil (ms); null when none. */
  previousSecret: string | null;
  previousUntil: number;
  secretSetAt: number;
  /** The token id that last changed it. */
  updatedBy: string;
  updatedAt: number;
}

export interface EndpointRules {
  /** REPLAY_ENDPOINT_ALLOW_HTTP. */
  allowHttp: boolean;
  /** ALERT_WEBHOOK_ALLOW_PRIVATE: the egress guard alert webhooks have. */
  allowPrivateNetworks: boolean;
}

/**
 * An endpoint URL an admin may set: absolute https (http only when the operator allows it),
 * no credentials in it, and not an address literal outside the public internet unless the
 * operator allows private networks (names are vetted again on every request, egress.ts).
 */
export function checkEndpointUrl(text: string, rules: EndpointRules): string {
  const value = text.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput('url must be an absolute https URL', { field: 'url' });
  }
  if (url.protocol !== 'https:' && !(rules.allowHttp && url.protocol === 'http:')) {
    throw badInput(`url must be an https URL${rules.allowHttp ? ' or http URL' : ' (http needs REPLAY_ENDPOINT_ALLOW_HTTP=true on the gateway)'}`, {
      field: 'url',
    });
  }
  if (url.username || url.password) throw badInput('url must not carry credentials: the receiver checks the signature instead', { field: 'url' });
  if (value.length > MAX_URL_LENGTH) throw badInput(`url must be at most ${MAX_URL_LENGTH} characters`, { field: 'url' });
  const literal = literalAddress(url);
  if (!rules.allowPrivateNetworks && (url.hostname === 'localhost' || (literal !== null && !isPublicAddress(literal)))) {
    throw badInput(
      'url must point at a public address (private, loopback and link-local ones are refused unless the gateway runs with ALERT_WEBHOOK_ALLOW_PRIVATE=true)',
      { field: 'url' },
    );
  }
  return value;
}

/** The secrets that sign a request now: the current one, and the previous one during its overlap. */
export function signingSecrets(e: ReplayEndpointValue, now: number): string[] {
  return e.previousSecret !== null && now < e.previousUntil ? [e.secret, e.previousSecret] : [e.secret];
}

/** The endpoint table; URL and secrets sealed with the SecretBox, as alert webhooks are. */
export class ReplayEndpointStore {
  private lastVersion = 0;

  constructor(private readonly secrets: SecretBox) {}

  async get(wdb: WorkspaceDb): Promise<ReplayEndpointValue | null> {
    const rows = await wdb.query<{
      url: string;
      secret: string;
      previous_secret: string;
      previous_ms: number;
      set_ms: number;
      updated_by: string;
      updated_ms: number;
    }>(
      'replay_endpoints',
      `SELECT url, secret, previous_secret, toUnixTimestamp64Milli(previous_until) AS previous_ms, toUnixTimestamp64Milli(secret_set_at) AS set_ms,
              updated_by, toUnixTimestamp64Milli(updated_at) AS updated_ms
       FROM ${wdb.db.database}.replay_endpoints FINAL WHERE workspace_id = {workspace:String}`,
    );
    const r = rows[0];
    if (!r || r.url === '') return null;
    const previous = this.secrets.open(r.previous_secret);
    return {
      url: this.secrets.open(r.url),
      secret: this.secrets.open(r.secret),
      previousSecret: previous === '' ? null : previous,
      previousUntil: Number(r.previous_ms),
      secretSetAt: Number(r.set_ms),
      updatedBy: r.updated_by,
      updatedAt: Number(r.updated_ms),
    };
  }

  async write(wdb: WorkspaceDb, e: ReplayEndpointValue): Promise<void> {
    await wdb.command(
      'replay_endpoints',
      `INSERT INTO ${wdb.db.database}.replay_endpoints (workspace_id, url, secret, previous_secret, previous_until, secret_set_at, updated_by, updated_at, version)
       VALUES ({workspace:String}, {url:String}, {secret:String}, {previous:String}, fromUnixTimestamp64Milli({previous_until:Int64}, 'UTC'),
               fromUnixTimestamp64Milli({set_at:Int64}, 'UTC'), {by:String}, fromUnixTimestamp64Milli({at:Int64}, 'UTC'), {version:UInt64})`,
      {
        url: this.secrets.seal(e.url),
        secret: this.secrets.seal(e.secret),
        previous: this.secrets.seal(e.previousSecret ?? ''),
        previous_until: e.previousUntil,
        set_at: e.secretSetAt,
        by: e.updatedBy,
        at: e.updatedAt,
        version: (this.lastVersion = Math.max(this.lastVersion + 1, Date.now() * 1000)),
      },
      { distributed_foreground_insert: 1 },
    );
  }
}

/**
 * The endpoint after an admin sets `url`: the first one gets a new secret (returned, shown
 * once); a later change of URL keeps the secret unless `rotate`. Rotating keeps the old secret
 * signing for ROTATION_OVERLAP_MS.
 */
export function nextEndpoint(
  current: ReplayEndpointValue | null,
  url: string,
  rotate: boolean,
  by: string,
  now: number,
): { endpoint: ReplayEndpointValue; newSecret: string | null } {
  if (current !== null && !rotate) return { endpoint: { ...current, url, updatedBy: by, updatedAt: now }, newSecret: null };
  const secret = newSigningSecret();
  const endpoint: ReplayEndpointValue = {
    url,
    secret,
    previousSecret: current?.secret ?? null,
    previousUntil: current ? now + ROTATION_OVERLAP_MS : 0,
    secretSetAt: now,
    updatedBy: by,
    updatedAt: now,
  };
  return { endpoint, newSecret: secret };
}
