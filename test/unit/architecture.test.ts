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

/** Relative imports of a file (type-only ones included: they couple the modules too), resolved to files. */
function importsOf(file: string): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      if (spec.startsWith('.')) {
        const base = path.resolve(path.dirname(file), spec);
        const target = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => parsed.has(c));
        if (target) out.push(target);
      }
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

/** Folders (first path segment under src/) a layer may not import. */
const FORBIDDEN: Record<string, string[]> = {
  domain: ['*'],
  config: ['*'],
  clickhouse: ['metrics', 'graphql', 'http', 'ingest', 'live', 'alerts', 'replay', 'app', 'cli', 'auth'],
  metrics: ['graphql', 'http', 'ingest', 'live', 'replay', 'app', 'cli'],
  alerts: ['graphql', 'http', 'ingest', 'live', 'replay', 'app', 'cli'],
  // Replays sit beside alerts, on metrics, and reuse alerts' egress guard and signer.
  replay: ['graphql', 'http', 'ingest', 'live', 'compat', 'export', 'app', 'cli'],
  auth: ['graphql', 'http', 'ingest', 'live', 'metrics', 'alerts', 'replay', 'app', 'cli'],
  live: ['graphql', 'http', 'ingest', 'replay', 'app', 'cli'],
  ingest: ['graphql', 'live', 'alerts', 'replay', 'app', 'cli'],
  graphql: ['app', 'cli', 'compat', 'export'],
  compat: ['graphql', 'ingest', 'live', 'alerts', 'export', 'app', 'cli'],
  export: ['graphql', 'ingest', 'live', 'alerts', 'compat', 'app', 'cli'],
  http: ['app', 'cli'],
  app: ['cli'],
};
/** What `domain` and `config` may import: each other's bottom, nothing else. */
const ALLOWED_FOR_STAR: Record<string, string[]> = { domain: ['domain'], config: ['config', 'domain'] };

function layerOf(file: string): string {
  const first = rel(file).split(path.sep)[0];
  return first.endsWith('.ts') ? '(root)' : first;
}

describe('src/ architecture', () => {
  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('points dependencies one way between layers', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      const forbidden = FORBIDDEN[from] ?? [];
      for (const target of targets) {
        const to = layerOf(target);
        const bad = forbidden.includes('*') ? !ALLOWED_FOR_STAR[from].includes(to) : forbidden.includes(to);
        if (bad) violations.push(`${rel(file)} → ${rel(target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines and no file over ${MAX_FILE_LINES}`, () => {
    const long: string[] = [];
    for (const [file, source] of parsed) {
      const lines = source.getLineAndCharacterOfPosition(source.end).line + 1;
      if (lines > MAX_FILE_LINES) long.push(`${rel(file)}: ${lines} lines`);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
          const end = source.getLineAndCharacterOfPosition(node.end).line;
          if (end - start + 1 > MAX_FUNCTION_LINES) long.push(`${rel(file)}:${start + 1}: a function of ${end - start + 1} lines`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
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
