import fs from 'node:fs';
import path from 'node:path';
import { configReaderNames, directEnvNames } from '../helpers/config-vars';

const ROOT = path.resolve(__dirname, '..', '..');
const README = path.join(ROOT, 'README.md');
const DOCS = path.join(ROOT, 'docs');
const CONFIG_DOC = path.join(DOCS, 'configuration.md');
const README_MAX_BYTES = 16_384;

/** Every file below `dir` whose name ends with one of `exts`. */
function filesUnder(dir: string, exts: readonly string[]): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(full, exts);
    return exts.some((x) => e.name.endsWith(x)) ? [full] : [];
  });
}

/** GitHub's heading anchor: lower case, punctuation and symbols dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/<[^>]*>/g, '') // inline HTML
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images keep their text
    .replace(/`/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

/** Markdown without fenced code blocks and HTML comments (neither holds real links or headings). */
function prose(markdown: string): string {
  return markdown.replace(/<!--[\s\S]*?-->/g, '').replace(/^([ \t]*)(```|~~~)[^\n]*\n[\s\S]*?^\1\2[ \t]*$/gm, '');
}

/** Anchors a Markdown file offers: heading slugs (numbered when repeated) and explicit ids. */
function anchorsOf(file: string): Set<string> {
  const text = prose(fs.readFileSync(file, 'utf8'));
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a\s+(?:[^>]*\s)?(?:id|name)=["']([^"']+)["']/gi)) anchors.add(m[1]);
  return anchors;
}

/** Link targets in a Markdown file: inline links and images, reference definitions, HTML href/src. */
function linksOf(file: string): string[] {
  const text = prose(fs.readFileSync(file, 'utf8')).replace(/`[^`\n]*`/g, '');
  const targets = [
    ...[...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^"']*["'])?\s*\)/g)].map((m) => m[1]),
    ...[...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+["'(].*)?$/gm)].map((m) => m[1]),
    ...[...text.matchAll(/<(?:a|img)\s[^>]*(?:href|src)=["']([^"']+)["']/gi)].map((m) => m[1]),
  ];
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('//'));
}

/** Problems with one relative link from `file`: a missing file, or a missing anchor in a Markdown file. */
function brokenLink(file: string, target: string): string | null {
  const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
  const linkPath = decodeURIComponent(rawPath);
  const resolved = linkPath === '' ? file : linkPath.startsWith('/') ? path.join(ROOT, linkPath) : path.resolve(path.dirname(file), linkPath);
  if (!fs.existsSync(resolved)) return `${target}: ${path.relative(ROOT, resolved)} does not exist`;
  if (anchor !== undefined && resolved.endsWith('.md') && fs.statSync(resolved).isFile()) {
    if (!anchorsOf(resolved).has(decodeURIComponent(anchor))) return `${target}: no heading or anchor "#${anchor}" in ${path.relative(ROOT, resolved)}`;
  }
  return null;
}

describe('README', () => {
  const readme = fs.readFileSync(README, 'utf8');

  it(`is a landing page of at most ${README_MAX_BYTES} bytes`, () => {
    expect(fs.statSync(README).size).toBeLessThanOrEqual(README_MAX_BYTES);
  });

  it('keeps the two quick-start commands', () => {
    expect(readme).toContain('npm install && npm run demo');
    expect(readme).toContain('npm test');
  });
});

describe('how the docs run the CLI', () => {
  const pages = [README, ...filesUnder(DOCS, ['.md'])];
  const COMMANDS = 'serve|demo|migrate|simulate|token|schema|reconcile';

  it('is one form, npx delivery-overview <command> (cli.test.ts runs it from a fresh clone)', () => {
    const others = pages.flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ at: `${path.relative(ROOT, file)}:${i + 1}`, line }))
        .filter(({ line }) => new RegExp(`(?<!npx )(?<![\\w/-])delivery-overview (${COMMANDS})\\b|npm run (migrate|simulate|schema|cli)\\b`).test(line)),
    );
    expect(others).toEqual([]);
    expect(fs.readFileSync(README, 'utf8')).toContain('npx delivery-overview <command>');
  });
});

describe('docs/configuration.md', () => {
  const doc = fs.readFileSync(CONFIG_DOC, 'utf8');
  const documented = (name: string) => new RegExp(`(?<![A-Z0-9_])${name}(?![A-Z0-9_])`).test(doc);

  it('finds the variables the config reader reads (the parser still matches the code)', () => {
    // A floor, so that a change in how config reads variables cannot make this test pass vacuously.
    expect(new Set(configReaderNames()).size).toBeGreaterThanOrEqual(30);
  });

  it('names every variable read through the config reader in src/config/', () => {
    const missing = [...new Set(configReaderNames())].filter((n) => !documented(n));
    expect(missing).toEqual([]);
  });

  it('names every variable src/ reads from an environment object directly', () => {
    const missing = [...new Set(directEnvNames())].filter((n) => !documented(n));
    expect(missing).toEqual([]);
  });
});

describe('relative links in README.md and docs/', () => {
  const files = [README, ...filesUnder(DOCS, ['.md'])];

  it('finds links to check', () => {
    expect(files.flatMap((f) => linksOf(f)).length).toBeGreaterThan(50);
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))('%s: every relative link and anchor resolves', (_name, file) => {
    const broken = linksOf(file)
      .map((target) => brokenLink(file, target))
      .filter((problem): problem is string => problem !== null);
    expect(broken).toEqual([]);
  });

  it('slugs headings the way GitHub does', () => {
    expect(slug('Typed operations (codegen)')).toBe('typed-operations-codegen');
    expect(slug('`reconcile`: raw reports against the aggregates')).toBe('reconcile-raw-reports-against-the-aggregates');
    expect(slug('Pipeline p50 ≤ 15 ms at 100M: missed')).toBe('pipeline-p50--15-ms-at-100m-missed');
    expect(slug('Gateway RSS ≤ 400 MB with 10,000 subscribers')).toBe('gateway-rss--400-mb-with-10000-subscribers');
    expect(slug('Live values (graphql-ws)')).toBe('live-values-graphql-ws');
    expect(slug('snake_case stays')).toBe('snake_case-stays');
  });
});
