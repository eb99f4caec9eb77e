import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ADMISSION_READS, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * One admission pipeline for both transports: every validation rule the gateway runs has a
 * probe document here, and each probe is refused identically over HTTP and graphql-ws
 * (same codes, same messages), before any ClickHouse query. A rule added to the pipeline
 * without a probe fails the first test, so no rule can exist on one transport only.
 */
let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('admission', {
    INTROSPECTION_ENABLED: 'false',
    IDE_ENABLED: 'false',
    QUERY_MAX_DEPTH: '4',
    QUERY_MAX_ALIASES: '2',
    QUERY_MAX_DIRECTIVES: '2',
  });
  token = await t.token('ws_admission', ['read']);
});
afterAll(async () => t.close());

/** A document that breaks the rule, and what the refusal says. */
const PROBES: Record<string, { query: string; message: RegExp }> = {
  ExecutableDefinitionsRule: { query: 'type Foo { a: Int } { sources { id } }', message: /"Foo" definition is not executable/ },
  UniqueOperationNamesRule: { query: 'query A { sources { id } } query A { destinations { id } }', message: /only one operation named "A"/ },
  LoneAnonymousOperationRule: { query: '{ sources { id } } { destinations { id } }', message: /anonymous operation must be the only defined operation/ },
  SingleFieldSubscriptionsRule: {
    query: 'subscription { alertEvents { id } retryPendingChanged(destinationId: "d") { count } }',
    message: /must select only one top level field/,
  },
  KnownTypeNamesRule: { query: 'query($x: Nope) { sources { id } }', message: /Unknown type "Nope"/ },
  FragmentsOnCompositeTypesRule: { query: '{ sources { ...F } } fragment F on String { x }', message: /cannot condition on non composite type "String"/ },
  VariablesAreInputTypesRule: { query: 'query($x: Source) { sources { id } }', message: /cannot be non-input type "Source"/ },
  ScalarLeafsRule: { query: '{ sources }', message: /must have a selection of subfields/ },
  FieldsOnCorrectTypeRule: { query: '{ nope }', message: /Cannot query field "nope" on type "Query"/ },
  UniqueFragmentNamesRule: { query: '{ sources { ...F } } fragment F on Source { id } fragment F on Source { name }', message: /only one fragment named "F"/ },
  KnownFragmentNamesRule: { query: '{ sources { ...Nope } }', message: /Unknown fragment "Nope"/ },
  NoUnusedFragmentsRule: { query: '{ sources { id } } fragment F on Source { id }', message: /Fragment "F" is never used/ },
  PossibleFragmentSpreadsRule: { query: '{ sources { ... on Destination { id } } }', message: /can never be of type "Destination"/ },
  NoFragmentCyclesRule: {
    query: '{ sources { ...A } } fragment A on Source { ...B } fragment B on Source { ...A }',
    message: /Cannot spread fragment "A" within itself/,
  },
  UniqueVariableNamesRule: { query: 'query($a: ID!, $a: ID!) { destination(id: $a) { id } }', message: /only one variable named "\$a"/ },
  NoUndefinedVariablesRule: { query: '{ destination(id: $a) { id } }', message: /Variable "\$a" is not defined/ },
  NoUnusedVariablesRule: { query: 'query($a: ID) { sources { id } }', message: /Variable "\$a" is never used/ },
  KnownDirectivesRule: { query: '{ sources @nope { id } }', message: /Unknown directive "@nope"/ },
  UniqueDirectivesPerLocationRule: { query: '{ sources @skip(if: false) @skip(if: false) { id } }', message: /"@skip" can only be used once/ },
  KnownArgumentNamesRule: { query: '{ sources(nope: 1) { id } }', message: /Unknown argument "nope"/ },
  UniqueArgumentNamesRule: { query: '{ destination(id: "a", id: "b") { id } }', message: /only one argument named "id"/ },
  ValuesOfCorrectTypeRule: { query: '{ destination(id: 1.5) { id } }', message: /ID cannot represent/ },
  ProvidedRequiredArgumentsRule: { query: '{ destination { id } }', message: /argument "id" of type "ID!" is required/ },
  VariablesInAllowedPositionRule: { query: 'query($a: ID) { destination(id: $a) { id } }', message: /used in position expecting type "ID!"/ },
  OverlappingFieldsCanBeMergedRule: { query: '{ sources { x: id x: name } }', message: /Fields "x" conflict/ },
  UniqueInputFieldNamesRule: {
    query: '{ destination(id: "d") { pipeline(range: { preset: LAST_HOUR, preset: LAST_HOUR }) { from } } }',
    message: /only one input field named "preset"/,
  },
  depthRule: { query: '{ destinations { pipeline(range: { preset: LAST_HOUR }) { steps { change { count } } } } }', message: /nested deeper than 4 levels/ },
  aliasRule: { query: '{ a: sources { id } b: sources { id } c: sources { id } }', message: /more than 2 aliases/ },
  MaxIntrospectionDepthRule: {
    query: '{ __type(name: "Query") { fields { type { fields { type { fields { type { fields { name } } } } } } } } }',
    message: /Maximum introspection depth exceeded/,
  },
  NoSchemaIntrospectionCustomRule: { query: '{ __schema { queryType { name } } }', message: /introspection has been disabled/ },
};
/** The alias rule also counts directives: one more probe for that half. */
const EXTRA_PROBES = {
  directives: { query: '{ sources { id @include(if: true) name @include(if: true) firstSeenAt @include(if: true) } }', message: /more than 2 directives/ },
};

type Err = { message: string; extensions?: { code?: string } };

async function overHttp(query: string): Promise<{ status: number; errors: Err[] }> {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, errors: ((await res.json()) as { errors: Err[] }).errors ?? [] };
}

async function overWs(query: string): Promise<Err[]> {
  const client = createClient({
    url: t.gateway.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  try {
    return await new Promise<Err[]>((resolve) => {
      client.subscribe(
        { query },
        { next: (v) => resolve((v.errors as Err[]) ?? []), error: (e) => resolve(Array.isArray(e) ? e : [e as Err]), complete: () => resolve([]) },
      );
    });
  } finally {
    await client.dispose();
  }
}

const shape = (errors: Err[]) => errors.map((e) => ({ code: e.extensions?.code, message: e.message }));

describe('one admission pipeline, one rule list, both transports', () => {
  it('has a probe for every validation rule the gateway runs', () => {
    const names = t.gateway.admission.rules.map((r) => r.name);
    expect(names.length).toBeGreaterThan(25);
    expect(names.filter((n) => !(n in PROBES))).toEqual([]);
    expect(names).toContain('NoSchemaIntrospectionCustomRule');
  });

  for (const [rule, probe] of Object.entries({ ...PROBES, ...EXTRA_PROBES })) {
    it(`${rule}: refused the same way over HTTP and graphql-ws, before any ClickHouse query`, async () => {
      const { result: http, families } = await t.countQueries(() => overHttp(probe.query));
      const { result: ws, families: wsFamilies } = await t.countQueries(() => overWs(probe.query));
      expect(http.status).toBe(400);
      expect(
        shape(http.errors)
          .map((e) => e.message)
          .join('\n'),
      ).toMatch(probe.message);
      expect(shape(ws)).toEqual(shape(http.errors));
      for (const e of http.errors) expect(['GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX']).toContain(e.extensions?.code);
      expect([...families, ...wsFamilies].filter((f) => !ADMISSION_READS.has(f))).toEqual([]);
    });
  }
});
