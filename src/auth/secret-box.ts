import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseSecretsKey, SECRET_KEY_BYTES } from '../config/reader';

export { parseSecretsKey, SECRET_KEY_BYTES };

/** Marks a sealed value; anything else in a secret column is a value written before sealing existed. */
const PREFIX = 'enc1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals the secrets the gateway must be able to read back (alert webhook URLs, whose path
 * is often the credential, and webhook signing secrets) with AES-256-GCM before they are
 * stored, so a database dump, a backup or a read-only SQL user does not hand them out.
 * Tokens are not here: they are stored as hashes and never read back.
 */
export class SecretBox {
  constructor(
    private readonly key: Buffer,
    /** Keys that sealed values earlier (key rotation): tried, in order, when the current key does not fit. */
    private readonly previous: readonly Buffer[] = [],
  ) {
    for (const k of [key, ...previous]) if (k.length !== SECRET_KEY_BYTES) throw new Error(`A secrets key is ${SECRET_KEY_BYTES} bytes, got ${k.length}`);
  }

  /** `''` stays `''` (no secret); anything else becomes `enc1:<base64url(iv | tag | ciphertext)>`. */
  seal(plain: string): string {
    if (plain === '') return '';
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The plain value; values stored before sealing existed pass through. Throws when the key does not fit. */
  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
    for (const key of [this.key, ...this.previous]) {
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        // not this key (GCM authentication fails): try the next one
      }
    }
    throw new Error('A stored secret cannot be opened with SECRETS_KEY or SECRETS_KEY_PREVIOUS (it was sealed with another key, or altered)');
  }
}

/**
 * The key: SECRETS_KEY when set; else `<DATA_DIR>/secrets.key`, created (0600) on first
 * start. The file is for one embedded gateway; replicas sharing a ClickHouse server must
 * all be given the same SECRETS_KEY (config refuses a server without one).
 */
export function loadSecretBox(configured: Buffer | null, dataDir: string, previous: readonly Buffer[] = []): { box: SecretBox; file: string | null } {
  if (configured) return { box: new SecretBox(configured, previous), file: null };
  const file = path.join(dataDir, 'secrets.key');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, crypto.randomBytes(SECRET_KEY_BYTES).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = parseSecretsKey(fs.readFileSync(file, 'utf8'));
  if (!key) throw new Error(`${file} does not hold a 32-byte key (64 hex characters); restore it, or remove it only if no alert rule has a webhook yet`);
  return { box: new SecretBox(key, previous), file };
}
