import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The shape of src/, measured from the code: no import cycle, dependencies pointing one
 * way between layers, no function over 80 lines and no file over 350.
 */
const SRC = path.resolve(__dirname, '../../src');
const MAX_FUNCTION_LINES = 80;
const MAX_FILE_LINES = 350;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const files = sourceFiles(SRC);
const parsed = new Map(files.map((f) => [f, ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true)]));
const rel = (f: string) => path.relative(SRC, f);

/** The module a node names, if it is an import, an export from, a `require('…')` or an `import('…')`. */
function specifierOf(node: ts.Node): string | null {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
    return node.moduleSpecifier.text;
  if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
    const callee = node.expression;
    if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword) return node.arguments[0].text;
  }
  return null;
}

/** Relative imports of a file (type-only ones and require() included: they couple the modules too), resolved to files. */
function importsOf(file: string): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    const spec = specifierOf(node);
    if (spec?.startsWith('.')) {
      const base = path.resolve(path.dirname(file), spec);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => parsed.has(c));
      if (target) out.push(target);
    }
    ts.forEachChild(node, visit);
  };
  visit(parsed.get(file)!);
  return out;
}

const graph = new Map(files.map((f) => [f, importsOf(f)]));

/** Strongly connected components with more than one module (or a self-import): the cycles. */
function cycles(): string[][] {
  let index = 0;
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string) => {
    indexes.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!indexes.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexes.get(w)!));
    }
    if (low.get(v) === indexes.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(rel(w));
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
    }
  };
  for (const f of files) if (!indexes.has(f)) connect(f);
  return found;
}

/**
 * Every folder of src/ (and every root file) with its rank: a module may import its own
 * folder and folders of a lower rank, nothing else. An allowlist: a folder without a rank
 * fails the test, so a new one is placed on purpose. The toolkits (domain, config, the
 * root's log and package-root, observability, http) sit at the bottom and know no layer
 * above them; a subject that is observed exports the observer's interface, and app/
 * implements it (the Db's QueryEvent and DbTracer, ingest's IngestOutcome).
 */
export const RANKS: Record<string, number> = {
  domain: 0,
  'package-root.ts': 0,
  config: 1,
  'log.ts': 2,
  observability: 2,
  http: 3,
  clickhouse: 4,
  auth: 5,
  metrics: 5,
  alerts: 6,
  ingest: 6,
  live: 6,
  rest: 6,
  replay: 7,
  simulate: 7,
  compat: 8,
  export: 8,
  graphql: 8,
  app: 9,
  cli: 10,
  'cli.ts': 11,
};

/** A module's folder (first path segment under src/), or its file name at the root. */
function layerOf(file: string): string {
  return rel(file).split(path.sep)[0];
}

/** Files over MAX_FILE_LINES and functions (of any form) over MAX_FUNCTION_LINES. */
function sizeViolations(name: string, source: ts.SourceFile): string[] {
  const long: string[] = [];
  const lines = source.getLineAndCharacterOfPosition(source.end).line + 1;
  if (lines > MAX_FILE_LINES) long.push(`${name}: ${lines} lines`);
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.end).line;
      if (end - start + 1 > MAX_FUNCTION_LINES) long.push(`${name}:${start + 1}: a function of ${end - start + 1} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return long;
}

/** Imports that break the ranks, and modules in a folder without one. */
function rankViolations(edges: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [file, targets] of edges) {
    const from = layerOf(file);
    if (RANKS[from] === undefined) out.push(`${rel(file)}: ${from} has no rank`);
    for (const target of targets) {
      const to = layerOf(target);
      if (to !== from && !(RANKS[to] < RANKS[from])) out.push(`${rel(file)} → ${rel(target)} (${from} ${RANKS[from]} may not import ${to} ${RANKS[to]})`);
    }
  }
  return out;
}

/** Folder-level cycles: folders that import each other, directly or around. */
function folderCycles(edges: Map<string, string[]>): string[][] {
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of edges) {
    const from = layerOf(file);
    const set = folders.get(from) ?? new Set<string>();
    for (const t of targets) if (layerOf(t) !== from) set.add(layerOf(t));
    folders.set(from, set);
  }
  const found: string[][] = [];
  const reach = (start: string, at: string, seen: Set<string>, trail: string[]) => {
    for (const next of folders.get(at) ?? []) {
      if (next === start) found.push([...trail, next]);
      else if (!seen.has(next)) reach(start, next, seen.add(next), [...trail, next]);
    }
  };
  for (const f of folders.keys()) reach(f, f, new Set([f]), [f]);
  return found;
}

describe('src/ architecture', () => {
  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('ranks every folder, and every import points to a lower rank', () => {
    expect(rankViolations(graph)).toEqual([]);
  });

  it('has no folder-level cycle', () => {
    expect(folderCycles(graph)).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines and no file over ${MAX_FILE_LINES}`, () => {
    expect([...parsed].flatMap(([file, source]) => sizeViolations(rel(file), source))).toEqual([]);
  });

  describe('can fail: a planted violation of each rule is found', () => {
    const file = (p: string) => path.join(SRC, p);
    it('an import up the ranks', () => {
      expect(rankViolations(new Map([[file('metrics/x.ts'), [file('graphql/y.ts')]]]))).toEqual([
        'metrics/x.ts → graphql/y.ts (metrics 5 may not import graphql 8)',
      ]);
    });
    it('an import between folders of one rank', () => {
      expect(rankViolations(new Map([[file('auth/x.ts'), [file('metrics/y.ts')]]]))).toHaveLength(1);
    });
    it('a file over the line limit, and a function over it (an arrow inside a method too)', () => {
      const plant = (text: string) => ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, true);
      const body = (n: number) => Array.from({ length: n }, (_, i) => `  const a${i} = ${i};`).join('\n');
      expect(sizeViolations('x.ts', plant(Array.from({ length: MAX_FILE_LINES + 1 }, (_, i) => `const v${i} = ${i};`).join('\n')))).toEqual([
        `x.ts: ${MAX_FILE_LINES + 1} lines`,
      ]);
      expect(sizeViolations('x.ts', plant(`function f() {\n${body(MAX_FUNCTION_LINES - 2)}\n}`))).toEqual([]);
      expect(sizeViolations('x.ts', plant(`function f() {\n${body(MAX_FUNCTION_LINES - 1)}\n}`))).toEqual([
        `x.ts:1: a function of ${MAX_FUNCTION_LINES + 1} lines`,
      ]);
      expect(sizeViolations('x.ts', plant(`class C {\n  m() {\n    return () => {\n${body(MAX_FUNCTION_LINES)}\n    };\n  }\n}`))).toHaveLength(2);
    });
    it('a folder without a rank', () => {
      expect(rankViolations(new Map([[file('newthing/x.ts'), []]]))).toEqual(['newthing/x.ts: newthing has no rank']);
    });
    it('a folder cycle', () => {
      const found = folderCycles(
        new Map([
          [file('http/a.ts'), [file('graphql/b.ts')]],
          [file('graphql/b.ts'), [file('http/c.ts')]],
        ]),
      );
      expect(found.map((c) => c.join(' → ')).sort()).toEqual(['graphql → http → graphql', 'http → graphql → http']);
    });
    it('a require() counts as an import', () => {
      const source = ts.createSourceFile('x.ts', "const m = require('./y'); const n = import('./z');", ts.ScriptTarget.ES2022, true);
      const found: string[] = [];
      const visit = (node: ts.Node) => {
        const spec = specifierOf(node);
        if (spec) found.push(spec);
        ts.forEachChild(node, visit);
      };
      visit(source);
      expect(found).toEqual(['./y', './z']);
    });
  });

  it('can fail: a planted cycle is found', () => {
    const a = files[0];
    const b = files[1];
    const saved = [graph.get(a)!, graph.get(b)!];
    graph.set(a, [...saved[0], b]);
    graph.set(b, [...saved[1], a]);
    try {
      expect(cycles().some((c) => c.includes(rel(a)) && c.includes(rel(b)))).toBe(true);
    } finally {
      graph.set(a, saved[0]);
      graph.set(b, saved[1]);
    }
  });
});
