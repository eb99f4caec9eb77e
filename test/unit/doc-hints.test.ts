import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Every string the code can print (CLI hints, error messages, help, GraphQL descriptions) that
 * names a document or a section of one points to one that exists: `docs/<page>.md` (or its
 * served `/docs/<page>.md`) is a file, `#anchor` a heading's anchor, and a named section
 * (`docs/api.md, Health`, `docs/api.md (Health)`, `the Configuration section of the README`,
 * `"Durability and reconcile" in the README`) a heading or a bold paragraph lead of that page.
 * The README is a landing page: a string naming it must name a section of it that exists.
 * Comments are not scanned; string literals are, with `+`-joined literals read as one.
 */
const ROOT = path.resolve(__dirname, '../..');
const SCANNED = ['src', 'web/src', 'tools'];

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(full);
    return /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const isText = (n: ts.Node): boolean =>
  ts.isStringLiteral(n) ||
  ts.isNoSubstitutionTemplateLiteral(n) ||
  ts.isTemplateExpression(n) ||
  (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken && isText(n.left) && isText(n.right));

/** The text of a literal, a template (each `${…}` read as `…`) or a `+` chain of them. */
function textOf(n: ts.Node): string {
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  if (ts.isTemplateExpression(n)) return n.head.text + n.templateSpans.map((s) => `…${s.literal.text}`).join('');
  const b = n as ts.BinaryExpression;
  return textOf(b.left) + textOf(b.right);
}

interface Text {
  where: string;
  text: string;
}

/** The outermost string expressions of a file. */
function textsOf(file: string): Text[] {
  const source = ts.createSourceFile(
    file,
    fs.readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const out: Text[] = [];
  const visit = (n: ts.Node): void => {
    if (isText(n)) {
      const line = source.getLineAndCharacterOfPosition(n.getStart()).line + 1;
      out.push({ where: `${path.relative(ROOT, file)}:${line}`, text: textOf(n) });
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return out;
}

/** GitHub's heading anchor (as test/unit/docs.test.ts has it). */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** A page's section names (headings and `**Lead.**` paragraph leads, lower case) and heading anchors. */
function sectionsOf(page: string): { names: Set<string>; anchors: Set<string> } {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8').replace(/^```[^\n]*\n[\s\S]*?^```\s*$/gm, '');
  const headings = [...text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)].map((m) => m[1].replace(/`/g, ''));
  const leads = [...text.matchAll(/^(?:[-*] )?\*\*([^*]+?)\.?\*\*/gm)].map((m) => m[1]);
  return { names: new Set([...headings, ...leads].map((s) => s.toLowerCase())), anchors: new Set(headings.map(slug)) };
}

const PAGE = String.raw`(?:\/?(docs\/[\w/.-]+?\.md)(?:#([\w-]+))?|the (README))`;
/** A document reference, and the section it names, in any of the forms the code uses. */
const REFERENCES: RegExp[] = [
  new RegExp(String.raw`\bthe ([A-Z][^"()]*?) section of ${PAGE}()`, 'g'),
  new RegExp(String.raw`"([^"]+)" in ${PAGE}()`, 'g'),
  new RegExp(String.raw`()${PAGE}(?:, | \()([A-Z][\w ’'-]*?)(?=[).,;:]|$)`, 'g'),
  new RegExp(String.raw`()${PAGE}()`, 'g'),
];
// Each has five groups: the section named before the page, the docs/ page, its #anchor, README, the section named after.

interface Reference {
  where: string;
  said: string;
  page: string;
  anchor?: string;
  section?: string;
}

function referencesIn(t: Text): Reference[] {
  const out: Reference[] = [];
  let rest = t.text;
  for (const pattern of REFERENCES) {
    rest = rest.replace(pattern, (said: string, before: string, docPage?: string, anchor?: string, readme?: string, after?: string) => {
      const section = before || after || undefined;
      out.push({ where: t.where, said, page: docPage ?? `${readme}.md`, anchor, section });
      return ' '.repeat(said.length);
    });
  }
  return out;
}

/** What is wrong with a reference, or null. */
function problem(r: Reference): string | null {
  if (!fs.existsSync(path.join(ROOT, r.page))) return `${r.page} does not exist`;
  const { names, anchors } = sectionsOf(r.page);
  if (r.anchor !== undefined && !anchors.has(r.anchor)) return `${r.page} has no heading with the anchor #${r.anchor}`;
  if (r.section !== undefined && !names.has(r.section.toLowerCase())) return `${r.page} has no section "${r.section}"`;
  if (r.page === 'README.md' && r.section === undefined)
    return 'names the README without a section of it (the README is a landing page; reference is in docs/)';
  return null;
}

const TEXTS = SCANNED.flatMap((dir) => filesUnder(path.join(ROOT, dir))).flatMap(textsOf);
const REFS = TEXTS.flatMap(referencesIn);

describe('document references in the strings of src/, web/src/ and tools/', () => {
  it('finds them in every form (a floor, so a change of wording cannot make this pass vacuously)', () => {
    expect(REFS.length).toBeGreaterThanOrEqual(10);
    expect(REFS.some((r) => r.section !== undefined)).toBe(true);
    expect(REFS.some((r) => r.where.startsWith('src/cli'))).toBe(true);
  });

  it('reads each form as the page and section it names', () => {
    const read = (text: string) => referencesIn({ where: 'x', text }).map(({ page, anchor, section }) => ({ page, anchor, section }));
    expect(read('Hint: see the Configuration section of the README.')).toEqual([{ page: 'README.md', anchor: undefined, section: 'Configuration' }]);
    expect(read('see "Durability and reconcile" in the README).')).toEqual([{ page: 'README.md', anchor: undefined, section: 'Durability and reconcile' }]);
    expect(read('by one rule (docs/api.md, Health): the')).toEqual([{ page: 'docs/api.md', anchor: undefined, section: 'Health' }]);
    expect(read('the rule of docs/api.md (Health), with')).toEqual([{ page: 'docs/api.md', anchor: undefined, section: 'Health' }]);
    expect(read('raise X (docs/configuration.md).')).toEqual([{ page: 'docs/configuration.md', anchor: undefined, section: undefined }]);
    expect(read('at /docs/discard-reasons.md#http-429 and')).toEqual([{ page: 'docs/discard-reasons.md', anchor: 'http-429', section: undefined }]);
    expect(read('and the variables in the README.')).toEqual([{ page: 'README.md', anchor: undefined, section: undefined }]);
  });

  it('judges a missing page, anchor or section, and a bare README, as broken', () => {
    expect(problem({ where: 'x', said: '', page: 'docs/nowhere.md' })).toMatch(/does not exist/);
    expect(problem({ where: 'x', said: '', page: 'docs/api.md', anchor: 'no-such-heading' })).toMatch(/no heading/);
    expect(problem({ where: 'x', said: '', page: 'README.md', section: 'Configuration' })).toMatch(/no section "Configuration"/);
    expect(problem({ where: 'x', said: '', page: 'README.md' })).toMatch(/without a section/);
    expect(problem({ where: 'x', said: '', page: 'docs/api.md', section: 'Health' })).toBeNull();
    expect(problem({ where: 'x', said: '', page: 'docs/api.md', section: 'Insights' })).toBeNull();
  });

  it('point to pages, anchors and sections that exist', () => {
    const broken = REFS.map((r) => ({ r, p: problem(r) }))
      .filter((x) => x.p !== null)
      .map(({ r, p }) => `${r.where}: "${r.said}": ${p}`);
    expect(broken).toEqual([]);
  });
});
