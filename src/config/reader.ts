import net from 'node:net';
import fs from 'node:fs';

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Reads typed values from an environment, collecting every problem instead of stopping at the first. */
export class ConfigReader {
  readonly problems: string[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** A host name or IP address; a port or scheme in it (HOST=localhost:4600) is caught here, not later as ENOTFOUND. */
  host(name: string, fallback: string, portName: string): string {
    const host = this.string(name, fallback);
    if (net.isIP(host) === 0 && !HOST_NAME.test(host)) {
      this.problems.push(
        `${name}=${JSON.stringify(host)} must be a host name or IP address without a port or scheme; put the port in ${portName} (e.g. ${name}=localhost ${portName}=4600)`,
      );
    }
    return host;
  }

  string(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }
  optional(name: string): string | null {
    const v = this.env[name];
    return v === undefined || v === '' ? null : v;
  }
  /**
   * A secret from `NAME` or from the file `NAME_FILE` names (a mounted secret): the file's
   * content without its trailing newline. Setting both, an unreadable file or an empty one is
   * a problem. Null when neither is set.
   */
  secret(name: string): string | null {
    const value = this.optional(name);
    const file = this.optional(`${name}_FILE`);
    if (file === null) return value;
    if (value !== null) {
      this.problems.push(`Set ${name} or ${name}_FILE, not both`);
      return value;
    }
    let content: string;
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch (err) {
      this.problems.push(
        `${name}_FILE=${JSON.stringify(file)} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it must name a file this process may read`,
      );
      return null;
    }
    const secret = content.replace(/\r?\n$/, '');
    if (secret === '') this.problems.push(`${name}_FILE=${JSON.stringify(file)} is empty`);
    return secret === '' ? null : secret;
  }
  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name}=${JSON.stringify(raw)} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name}=${JSON.stringify(raw)} must be one of: ${allowed.join(', ')}`);
      return fallback;
    }
    return raw as T;
  }
  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = raw.toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    this.problems.push(`${name}=${JSON.stringify(raw)} must be one of: true, false, 1, 0`);
    return fallback;
  }
  /** A comma-separated list of allowed names (`fallback` when unset); each name not allowed is a problem. */
  list<T extends string>(name: string, allowed: readonly T[], fallback: string): T[] {
    const items = this.string(name, fallback)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((i) => !(allowed as readonly string[]).includes(i));
    if (bad.length > 0) this.problems.push(`${name}: ${bad.map((b) => JSON.stringify(b)).join(', ')} not supported; use ${allowed.join(', ')}`);
    return [...new Set(items.filter((i): i is T => (allowed as readonly string[]).includes(i)))];
  }
  /** `key=value,key2=value2`, values URL-encoded (the form of the OpenTelemetry variables); default none. */
  pairs(name: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const part of (this.optional(name) ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const at = part.indexOf('=');
      let value: string | null = null;
      try {
        value = at > 0 ? decodeURIComponent(part.slice(at + 1).trim()) : null;
      } catch {
        value = null;
      }
      if (value === null) this.problems.push(`${name}: ${JSON.stringify(part.slice(0, 40))} is not key=value (values URL-encoded)`);
      else out[part.slice(0, at).trim()] = value;
    }
    return out;
  }
  identifier(name: string, fallback: string): string {
    const v = this.string(name, fallback);
    if (!IDENTIFIER.test(v)) this.problems.push(`${name}=${JSON.stringify(v)} must match ${IDENTIFIER.source}`);
    return v;
  }
  url(name: string): string | null {
    const v = this.optional(name);
    if (v === null) return null;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      this.problems.push(`${name}=${JSON.stringify(v)} must be an http(s) URL such as http://localhost:8123`);
    }
    return v;
  }
  /** A comma-separated list of web origins (scheme, host, optional port; no path). */
  origins(name: string): string[] {
    const list = (this.optional(name) ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const origin of list) {
      let ok = false;
      try {
        const u = new URL(origin);
        ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === origin;
      } catch {
        ok = false;
      }
      if (!ok)
        this.problems.push(
          `${name}: ${JSON.stringify(origin)} is not an origin such as https://dash.example.com (scheme and host, optional port, no path or trailing slash)`,
        );
    }
    return list;
  }

  /** A 32-byte key given as 64 hex characters or their base64; null (and a problem) otherwise. */
  key(name: string, value: string, what = `${name} must be 32 bytes: 64 hex characters (openssl rand -hex 32) or their base64`): Buffer | null {
    const key = parseSecretsKey(value);
    if (!key) this.problems.push(what);
    return key;
  }
}

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const SECRET_KEY_BYTES = 32;

/** A 32-byte key from 64 hex characters or their base64 (url-safe or not); null when it is neither. */
export function parseSecretsKey(value: string): Buffer | null {
  const v = value.trim();
  if (/^[0-9a-f]{64}$/i.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) {
    const key = Buffer.from(v, v.includes('-') || v.includes('_') ? 'base64url' : 'base64');
    if (key.length === SECRET_KEY_BYTES) return key;
  }
  return null;
}
