import fs from 'node:fs';
import path from 'node:path';

/**
 * The environment variables the gateway reads, found in the code: calls of the config reader in
 * src/config/ and direct reads of an environment object anywhere in src/. The docs test and the
 * .env.example test both compare their lists with these.
 */
const ROOT = path.resolve(__dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const NAME = '([A-Z][A-Z0-9_]*)';
const QUOTE = '[\'"`]';
/** `r.int('PORT', …)`, `r.optional("SECRETS_KEY")`: the config reader's methods, any quote style. */
const READER_CALL = new RegExp(
  `\\b[A-Za-z_$][\\w$]*\\s*\\.\\s*(?:int|string|optional|bool|oneOf|identifier|url|origins|secret|list|pairs|host)\\s*(?:<[^>(]*>)?\\s*\\(\\s*${QUOTE}${NAME}${QUOTE}`,
  'g',
);
/** `process.env.NAME`, `env.NAME`, `env?.NAME`, `env['NAME']`, `env["NAME"]`. */
const ENV_DOT = new RegExp(`\\benv\\s*(?:\\?\\.|\\.)\\s*${NAME}\\b`, 'g');
const ENV_INDEX = new RegExp(`\\benv\\s*(?:\\?\\.)?\\[\\s*${QUOTE}${NAME}${QUOTE}\\s*\\]`, 'g');

function matches(text: string, re: RegExp): string[] {
  return [...text.matchAll(re)].map((m) => m[1]);
}

/** `r.secret('ROOT_TOKEN')` reads ROOT_TOKEN and ROOT_TOKEN_FILE. */
const SECRET_CALL = new RegExp(`\\.\\s*secret\\s*\\(\\s*${QUOTE}${NAME}${QUOTE}`, 'g');

/** Variable names read through the config reader in src/config/ (a secret's `_FILE` variant included). */
export function configReaderNames(): string[] {
  return filesUnder(path.join(ROOT, 'src', 'config')).flatMap((f) => {
    const text = fs.readFileSync(f, 'utf8');
    return [...matches(text, READER_CALL), ...matches(text, SECRET_CALL).map((n) => `${n}_FILE`)];
  });
}

/** Variable names read straight from an environment object anywhere in src/. */
export function directEnvNames(): string[] {
  return filesUnder(path.join(ROOT, 'src')).flatMap((f) => {
    const text = fs.readFileSync(f, 'utf8');
    return [...matches(text, ENV_DOT), ...matches(text, ENV_INDEX)];
  });
}
