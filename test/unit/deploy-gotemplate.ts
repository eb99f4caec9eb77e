/**
 * A small Go text/template interpreter with the Helm/Sprig functions our chart uses, so that
 * test/unit/deploy-helm.test.ts can render deploy/helm/delivery-overview without Helm (not
 * installable here). npm has Go's real engine compiled to WebAssembly, but without Sprig or
 * `include` a Helm chart cannot be rendered with it, so this covers exactly the constructs the
 * chart uses and fails loudly on anything else: an unknown function, a missing `end`, or a field
 * read on nil (Helm's "nil pointer evaluating interface {}.x") are errors, never silently empty.
 * Its semantics are pinned by test/unit/deploy-gotemplate.test.ts.
 *
 * Known gaps against Helm: numbers print as JavaScript does (Helm prints 1e+06 for a 1000000
 * read from values), no `tpl`, `lookup`, `.Files`, methods or `block`.
 */
import YAML from 'yaml';

type Value = unknown;
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline; line: number }
  | { kind: 'if' | 'with'; pipe: Pipeline; then: Node[]; else: Node[]; line: number }
  | { kind: 'range'; pipe: Pipeline; keyVar: string | null; valueVar: string | null; body: Node[]; else: Node[]; line: number }
  | { kind: 'template'; name: string; pipe: Pipeline | null; line: number };

interface Pipeline {
  /** `$x := …` declares, `$x = …` assigns. */
  decl: { name: string; assign: boolean } | null;
  commands: Operand[][];
}
type Operand =
  | { kind: 'dot'; fields: string[] }
  | { kind: 'var'; name: string; fields: string[] }
  | { kind: 'literal'; value: Value }
  | { kind: 'func'; name: string }
  | { kind: 'paren'; pipe: Pipeline; fields: string[] };

export class TemplateError extends Error {}

// ---------------------------------------------------------------- lexing

interface Chunk {
  kind: 'text' | 'action';
  text: string;
  line: number;
}

/** Splits a template into text and `{{ }}` actions, applying the `{{-` / `-}}` trim markers. */
function chunks(src: string, file: string): Chunk[] {
  const out: Chunk[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos < src.length) {
    const open = src.indexOf('{{', pos);
    let text = open === -1 ? src.slice(pos) : src.slice(pos, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open === -1) {
      out.push({ kind: 'text', text, line: 0 });
      break;
    }
    const line = src.slice(0, open).split('\n').length;
    const trimBefore = src.startsWith('{{- ', open) || src.startsWith('{{-\n', open);
    if (trimBefore) text = text.replace(/\s+$/, '');
    out.push({ kind: 'text', text, line });
    const bodyStart = open + (trimBefore ? 3 : 2);
    const close = findClose(src, bodyStart);
    if (close === -1) throw new TemplateError(`${file}:${line}: unclosed action`);
    trimNext = src[close - 1] === '-' && /\s/.test(src[close - 2] ?? '');
    const body = src.slice(bodyStart, trimNext ? close - 1 : close).trim();
    if (!body.startsWith('/*')) out.push({ kind: 'action', text: body, line });
    else if (!body.endsWith('*/')) throw new TemplateError(`${file}:${line}: unclosed comment`);
    pos = close + 2;
  }
  return out.filter((c) => c.kind === 'action' || c.text !== '');
}

/** The `}}` ending an action, skipping any inside string literals. */
function findClose(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === '`') {
      const end = c === '"' ? /(?<!\\)(\\\\)*"/g : /`/g;
      end.lastIndex = i + 1;
      const m = end.exec(src);
      if (!m) return -1;
      i = m.index + m[0].length - 1;
    } else if (c === '}' && src[i + 1] === '}') return i;
  }
  return -1;
}

/** `spaced`: whitespace came before it, which tells `(x).f` (a field of x) from `(x) .f` (two operands). */
type Token = { t: 'str' | 'num' | 'word' | 'dot' | 'var' | 'punct'; v: string; fields?: string[]; spaced?: boolean };

const TOKEN =
  /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(-?\d+(?:\.\d+)?)|(\$[A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)|((?:\.[A-Za-z0-9_]+)+|\.)|([A-Za-z_][A-Za-z0-9_]*)|(:=|[|(),=]))/y;

function tokenize(text: string, where: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(start))) break;
      throw new TemplateError(`${where}: cannot read "${text.slice(start)}"`);
    }
    if (m[1] !== undefined) out.push({ t: 'str', v: JSON.parse(m[1]) as string });
    else if (m[2] !== undefined) out.push({ t: 'str', v: m[2].slice(1, -1) });
    else if (m[3] !== undefined) out.push({ t: 'num', v: m[3] });
    else if (m[4] !== undefined) out.push({ t: 'var', v: m[4], fields: splitFields(m[5]) });
    else if (m[6] !== undefined) out.push({ t: 'dot', v: m[6], fields: splitFields(m[6] === '.' ? '' : m[6]) });
    else if (m[7] !== undefined) out.push({ t: 'word', v: m[7] });
    else out.push({ t: 'punct', v: m[8] });
    out[out.length - 1].spaced = /^\s/.test(m[0]);
  }
  return out;
}

function splitFields(chain: string): string[] {
  return chain.split('.').filter(Boolean);
}

// ---------------------------------------------------------------- parsing

class PipelineParser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly where: string,
  ) {}

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  pipeline(stopAtParen = false): Pipeline {
    let decl: Pipeline['decl'] = null;
    const [a, b] = [this.tokens[this.i], this.tokens[this.i + 1]];
    if (a?.t === 'var' && a.fields!.length === 0 && b?.t === 'punct' && (b.v === ':=' || b.v === '=')) {
      decl = { name: a.v, assign: b.v === '=' };
      this.i += 2;
    }
    const commands: Operand[][] = [[]];
    while (!this.done()) {
      const tok = this.tokens[this.i];
      if (tok.t === 'punct' && tok.v === ')') {
        if (stopAtParen) break;
        throw new TemplateError(`${this.where}: unexpected )`);
      }
      this.i++;
      if (tok.t === 'punct' && tok.v === '|') {
        commands.push([]);
        continue;
      }
      commands[commands.length - 1].push(this.operand(tok));
    }
    if (commands.some((c) => c.length === 0)) throw new TemplateError(`${this.where}: empty command in pipeline`);
    return { decl, commands };
  }

  private operand(tok: Token): Operand {
    switch (tok.t) {
      case 'str':
        return { kind: 'literal', value: tok.v };
      case 'num':
        return { kind: 'literal', value: Number(tok.v) };
      case 'var':
        return { kind: 'var', name: tok.v, fields: tok.fields! };
      case 'dot':
        return { kind: 'dot', fields: tok.fields! };
      case 'word':
        if (tok.v === 'true' || tok.v === 'false') return { kind: 'literal', value: tok.v === 'true' };
        if (tok.v === 'nil') return { kind: 'literal', value: null };
        return { kind: 'func', name: tok.v };
      case 'punct': {
        if (tok.v !== '(') throw new TemplateError(`${this.where}: unexpected ${tok.v}`);
        const pipe = this.pipeline(true);
        const close = this.tokens[this.i++];
        if (!close || close.v !== ')') throw new TemplateError(`${this.where}: unclosed (`);
        // A field chain right after the parenthesis: (pipeline).a.b
        const next = this.tokens[this.i];
        let fields: string[] = [];
        if (next?.t === 'dot' && next.v !== '.' && !next.spaced) {
          fields = next.fields!;
          this.i++;
        }
        return { kind: 'paren', pipe, fields };
      }
    }
    throw new TemplateError(`${this.where}: unexpected token`);
  }
}

function parsePipeline(text: string, where: string): Pipeline {
  const parser = new PipelineParser(tokenize(text, where), where);
  const pipe = parser.pipeline();
  if (!parser.done()) throw new TemplateError(`${where}: unexpected input after pipeline`);
  return pipe;
}

function parseRangeHeader(text: string, where: string): { keyVar: string | null; valueVar: string | null; pipe: Pipeline } {
  const m = /^(\$\w+)\s*(?:,\s*(\$\w+)\s*)?:=\s*([\s\S]+)$/.exec(text);
  if (!m) return { keyVar: null, valueVar: null, pipe: parsePipeline(text, where) };
  // One variable gets the element; two get index (or key) and element, as in Go.
  return m[2] ? { keyVar: m[1], valueVar: m[2], pipe: parsePipeline(m[3], where) } : { keyVar: null, valueVar: m[1], pipe: parsePipeline(m[3], where) };
}

/** Every `define` of a set of files, plus each file's own top-level nodes. */
export interface ParsedSet {
  defines: Map<string, Node[]>;
  files: Map<string, Node[]>;
}

export function parseTemplates(files: Record<string, string>): ParsedSet {
  const set: ParsedSet = { defines: new Map(), files: new Map() };
  for (const [file, src] of Object.entries(files)) {
    const list = chunks(src, file);
    let i = 0;
    // Parses until one of `stops` (an `else…` or `end`) and returns which one ended the block.
    const block = (stops: boolean): { nodes: Node[]; end: string; line: number } => {
      const nodes: Node[] = [];
      while (i < list.length) {
        const c = list[i++];
        if (c.kind === 'text') {
          nodes.push({ kind: 'text', text: c.text });
          continue;
        }
        const where = `${file}:${c.line}`;
        const [word] = c.text.split(/\s+/, 1);
        const rest = c.text.slice(word.length).trim();
        if (word === 'end' || word === 'else') {
          if (!stops) throw new TemplateError(`${where}: unexpected {{${c.text}}}`);
          return { nodes, end: c.text, line: c.line };
        }
        if (word === 'if' || word === 'with') nodes.push(conditional(word, rest, where, c.line));
        else if (word === 'range') {
          const header = parseRangeHeader(rest, where);
          const body = block(true);
          let elseNodes: Node[] = [];
          if (body.end === 'else') elseNodes = expectEnd(block(true), where).nodes;
          else expectEnd(body, where);
          nodes.push({ kind: 'range', ...header, body: body.nodes, else: elseNodes, line: c.line });
        } else if (word === 'define') {
          const name = tokenize(rest, where);
          if (name.length !== 1 || name[0].t !== 'str') throw new TemplateError(`${where}: define needs one quoted name`);
          set.defines.set(name[0].v, expectEnd(block(true), where).nodes);
        } else if (word === 'template') {
          const m = /^"([^"]+)"\s*([\s\S]*)$/.exec(rest);
          if (!m) throw new TemplateError(`${where}: template needs a quoted name`);
          nodes.push({ kind: 'template', name: m[1], pipe: m[2] ? parsePipeline(m[2], where) : null, line: c.line });
        } else if (word === 'block' || word === 'break' || word === 'continue') {
          throw new TemplateError(`${where}: {{${word}}} is not supported by this renderer`);
        } else nodes.push({ kind: 'action', pipe: parsePipeline(c.text, where), line: c.line });
      }
      if (stops) throw new TemplateError(`${file}: missing {{end}}`);
      return { nodes, end: '', line: 0 };
    };
    // if/with with their else and else-if/else-with chains; one {{end}} closes the chain.
    const conditional = (kind: 'if' | 'with', header: string, where: string, line: number): Node => {
      const pipe = parsePipeline(header, where);
      const body = block(true);
      let elseNodes: Node[] = [];
      if (body.end === 'else') elseNodes = expectEnd(block(true), where).nodes;
      else if (body.end.startsWith('else ')) {
        const [, chained, chainHeader] = /^else\s+(if|with)\s+([\s\S]+)$/.exec(body.end) ?? [];
        if (!chained) throw new TemplateError(`${where}: bad {{${body.end}}}`);
        // `{{else if x}}…{{end}}` is `{{else}}{{if x}}…{{end}}{{end}}` with one shared end: the
        // nested conditional consumes the chain's {{end}}.
        elseNodes = [conditional(chained as 'if' | 'with', chainHeader, `${file}:${body.line}`, body.line)];
      } else expectEnd(body, where);
      return { kind, pipe, then: body.nodes, else: elseNodes, line };
    };
    const expectEnd = (b: { nodes: Node[]; end: string }, where: string) => {
      if (b.end !== 'end') throw new TemplateError(`${where}: expected {{end}}, found {{${b.end}}}`);
      return b;
    };
    set.files.set(file, block(false).nodes);
  }
  return set;
}

// ---------------------------------------------------------------- evaluation

/** Go's truth: false, 0, nil, "" and empty lists and maps are false. */
export function truthy(v: Value): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function isMap(v: Value): v is Record<string, Value> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** How Go's fmt prints a value into the output (Helm then drops "<no value>"). */
function show(v: Value): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new TemplateError(`cannot print a ${Array.isArray(v) ? 'list' : 'map'} directly; use toYaml`);
}

function field(v: Value, name: string, where: string): Value {
  if (v === null || v === undefined) throw new TemplateError(`${where}: nil pointer evaluating interface {}.${name}`);
  if (!isMap(v)) throw new TemplateError(`${where}: can't evaluate field ${name} in type ${Array.isArray(v) ? 'list' : typeof v}`);
  return v[name];
}

function fields(v: Value, names: string[], where: string): Value {
  return names.reduce((acc, n) => field(acc, n, where), v);
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

function sprint(args: Value[]): string {
  // Go's fmt.Sprint: a space between operands when neither is a string.
  return args.reduce<string>((acc, a, i) => acc + (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + showLoose(a), '');
}

function showLoose(v: Value): string {
  return v === null || v === undefined ? '<nil>' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function sprintf(format: string, args: Value[]): string {
  let i = 0;
  return format.replace(/%([sdvq%])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    if (verb === 'q') return goQuote(String(a));
    if (verb === 'd') return String(Math.trunc(Number(a)));
    return showLoose(a);
  });
}

function indent(n: number, s: Value): string {
  const pad = ' '.repeat(n);
  return pad + String(s ?? '').replaceAll('\n', `\n${pad}`);
}

function toYaml(v: Value): string {
  if (v === null || v === undefined) return 'null';
  // Keys sorted, as Helm's toYaml (sigs.k8s.io/yaml over a Go map) prints them.
  return YAML.stringify(v, { lineWidth: 0, sortMapEntries: true }).replace(/\n$/, '');
}

type Fn = (...args: Value[]) => Value;

class Renderer {
  private readonly funcs: Record<string, Fn>;
  private depth = 0;

  constructor(private readonly set: ParsedSet) {
    this.funcs = {
      include: (name, data) => this.renderDefine(String(name), data),
      default: (def, v) => (truthy(v) ? v : def),
      empty: (v) => !truthy(v),
      required: (msg, v) => {
        if (v === null || v === undefined || v === '') throw new TemplateError(String(msg));
        return v;
      },
      fail: (msg) => {
        throw new TemplateError(String(msg));
      },
      quote: (...args) =>
        args
          .filter((a) => a !== null && a !== undefined)
          .map((a) => goQuote(showLoose(a)))
          .join(' '),
      squote: (...args) =>
        args
          .filter((a) => a !== null && a !== undefined)
          .map((a) => `'${showLoose(a)}'`)
          .join(' '),
      toYaml,
      indent: (n, s) => indent(Number(n), s),
      nindent: (n, s) => `\n${indent(Number(n), s)}`,
      trunc: (n, s) => String(s).slice(0, Number(n)),
      trimSuffix: (suffix, s) => (String(s).endsWith(String(suffix)) ? String(s).slice(0, -String(suffix).length || undefined) : String(s)),
      trimPrefix: (prefix, s) => (String(s).startsWith(String(prefix)) ? String(s).slice(String(prefix).length) : String(s)),
      replace: (from, to, s) => String(s).replaceAll(String(from), String(to)),
      contains: (sub, s) => String(s).includes(String(sub)),
      lower: (s) => String(s).toLowerCase(),
      upper: (s) => String(s).toUpperCase(),
      toString: (v: Value) => showLoose(v),
      int: (v) => Math.trunc(Number(v ?? 0)),
      printf: (format, ...args) => sprintf(String(format), args),
      print: (...args) => sprint(args),
      b64enc: (s) => Buffer.from(String(s ?? ''), 'utf8').toString('base64'),
      eq: (a, ...rest) => rest.some((b) => a === b),
      ne: (a, b) => a !== b,
      lt: (a, b) => (a as number) < (b as number),
      gt: (a, b) => (a as number) > (b as number),
      le: (a, b) => (a as number) <= (b as number),
      ge: (a, b) => (a as number) >= (b as number),
      not: (v) => !truthy(v),
      len: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : isMap(v) ? Object.keys(v).length : 0),
      hasKey: (m, k) => isMap(m) && Object.hasOwn(m, String(k)),
      list: (...args) => args,
      dict: (...args) => Object.fromEntries(Array.from({ length: Math.floor(args.length / 2) }, (_, i) => [String(args[2 * i]), args[2 * i + 1]])),
    };
  }

  renderFile(file: string, data: Value): string {
    const nodes = this.set.files.get(file);
    if (!nodes) throw new TemplateError(`no template file ${file}`);
    return this.run(nodes, data, [new Map([['$', data]])], file);
  }

  renderDefine(name: string, data: Value): string {
    const nodes = this.set.defines.get(name);
    if (!nodes) throw new TemplateError(`no template "${name}" associated with template "gotpl"`);
    if (++this.depth > 100) throw new TemplateError(`template "${name}" recursed too deeply`);
    try {
      return this.run(nodes, data, [new Map([['$', data]])], name);
    } finally {
      this.depth--;
    }
  }

  private run(nodes: Node[], dot: Value, scopes: Map<string, Value>[], where: string): string {
    let out = '';
    for (const node of nodes) {
      const at = `${where}:${'line' in node ? node.line : ''}`;
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'action': {
          const v = this.pipeline(node.pipe, dot, scopes, at);
          if (!node.pipe.decl) out += show(v);
          break;
        }
        case 'if': {
          const v = this.pipeline(node.pipe, dot, scopes, at);
          out += this.run(truthy(v) ? node.then : node.else, dot, [...scopes, new Map()], where);
          break;
        }
        case 'with': {
          const v = this.pipeline(node.pipe, dot, scopes, at);
          out += truthy(v) ? this.run(node.then, v, [...scopes, new Map()], where) : this.run(node.else, dot, [...scopes, new Map()], where);
          break;
        }
        case 'range': {
          const v = this.pipeline(node.pipe, dot, scopes, at);
          const entries: [Value, Value][] = Array.isArray(v)
            ? v.map((x, i) => [i, x])
            : isMap(v)
              ? Object.keys(v)
                  .sort()
                  .map((k) => [k, v[k]])
              : v === null || v === undefined
                ? []
                : (() => {
                    throw new TemplateError(`${at}: range can't iterate over ${String(v)}`);
                  })();
          if (entries.length === 0) out += this.run(node.else, dot, [...scopes, new Map()], where);
          for (const [k, x] of entries) {
            const scope = new Map<string, Value>();
            if (node.keyVar) scope.set(node.keyVar, k);
            if (node.valueVar) scope.set(node.valueVar, x);
            out += this.run(node.body, x, [...scopes, scope], where);
          }
          break;
        }
        case 'template':
          out += this.renderDefine(node.name, node.pipe ? this.pipeline(node.pipe, dot, scopes, at) : null);
          break;
      }
    }
    return out;
  }

  private pipeline(pipe: Pipeline, dot: Value, scopes: Map<string, Value>[], where: string): Value {
    let prev: Value = undefined;
    pipe.commands.forEach((cmd, i) => {
      prev = this.command(cmd, dot, scopes, where, i > 0 ? { value: prev } : null);
    });
    if (pipe.decl) {
      const { name, assign } = pipe.decl;
      if (assign) {
        const scope = [...scopes].reverse().find((s) => s.has(name));
        if (!scope) throw new TemplateError(`${where}: undefined variable ${name}`);
        scope.set(name, prev);
      } else scopes[scopes.length - 1].set(name, prev);
    }
    return prev;
  }

  private command(cmd: Operand[], dot: Value, scopes: Map<string, Value>[], where: string, piped: { value: Value } | null): Value {
    const [head, ...args] = cmd;
    if (head.kind !== 'func') {
      if (args.length > 0 || piped) throw new TemplateError(`${where}: can't give argument to non-function`);
      return this.operand(head, dot, scopes, where);
    }
    // and/or stop at the first operand that decides them, as in Go 1.18+ (so `and .a .a.b` is safe).
    if (head.name === 'and' || head.name === 'or') {
      const thunks = args.map((a) => () => this.operand(a, dot, scopes, where));
      if (piped) thunks.push(() => piped.value);
      let last: Value = undefined;
      for (const t of thunks) {
        last = t();
        if (truthy(last) === (head.name === 'or')) return last;
      }
      return last;
    }
    const fn = this.funcs[head.name];
    if (!fn) throw new TemplateError(`${where}: function "${head.name}" not defined`);
    const values = args.map((a) => this.operand(a, dot, scopes, where));
    if (piped) values.push(piped.value);
    return fn(...values);
  }

  private operand(op: Operand, dot: Value, scopes: Map<string, Value>[], where: string): Value {
    switch (op.kind) {
      case 'literal':
        return op.value;
      case 'dot':
        return fields(dot, op.fields, where);
      case 'var': {
        const scope = [...scopes].reverse().find((s) => s.has(op.name));
        if (!scope) throw new TemplateError(`${where}: undefined variable "${op.name}"`);
        return fields(scope.get(op.name), op.fields, where);
      }
      case 'paren':
        return fields(this.pipeline(op.pipe, dot, scopes, where), op.fields, where);
      case 'func':
        return this.command([op], dot, scopes, where, null);
    }
  }
}

/** Renders one file of a parsed set with `data` as dot and `$`. */
export function renderTemplate(set: ParsedSet, file: string, data: Value): string {
  return new Renderer(set).renderFile(file, data);
}
