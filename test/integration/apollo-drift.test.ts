import { specifiedRules, type ValidationRule } from 'graphql';
import { apolloOptions } from '../../src/graphql/transport/apollo-server';
import { PREFLIGHT_HEADERS } from '../../src/graphql/transport/http-read';
import { formatError } from '../../src/graphql/transport/format-error';
import { gatewaySchema } from '../../src/graphql/schema';
import { createLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * No drift by construction: Apollo Server frames HTTP, the admission pipeline decides, and
 * graphql-ws runs the same pipeline. These tests fail when Apollo is given a rule, a limit or
 * an option the pipeline does not apply over graphql-ws too (admission.test.ts then probes each
 * rule over both transports).
 */
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway('apollo_drift', { INTROSPECTION_ENABLED: 'false', IDE_ENABLED: 'false', QUERY_MAX_DEPTH: '6', QUERY_MAX_TOKENS: '900' });
});
afterAll(async () => t.close());

/**
 * Every option Apollo may be given, and why it adds nothing the pipeline does not decide
 * over graphql-ws as well. A new option fails the first test until it is judged here.
 */
const JUDGED: Record<string, string> = {
  schema: 'the same schema graphql-ws executes',
  validationRules: "the pipeline's own rule list (checked below)",
  documentStore: "the document phase's hand-over: Apollo never parses or validates by itself",
  parseOptions: "the pipeline's token limit (checked below)",
  introspection: 'true: the rule list decides, on both transports',
  csrfPrevention: 'HTTP framing: the same preflight headers as the adapter, which checks them first',
  allowBatchedHttpRequests: 'HTTP framing: off',
  persistedQueries: 'HTTP framing: texts are stored only after all three phases admitted them',
  formatError: 'the one formatter graphql-ws uses too',
  includeStacktraceInErrorResponses: 'false: nothing internal leaves, as over graphql-ws',
  stopOnTerminationSignals: 'lifecycle: the gateway stops Apollo itself',
  logger: 'where Apollo logs',
  plugins: 'checked below',
};

type Internals = {
  validationRules: ValidationRule[];
  laterValidationRules?: ValidationRule[];
  parseOptions: { maxTokens?: number };
  csrfPreventionRequestHeaders: string[] | null;
  dangerouslyDisableValidation?: boolean;
  hideSchemaDetailsFromClientErrors: boolean;
  formatError: unknown;
  fieldResolver?: unknown;
  rootValue?: unknown;
  executionOptions?: unknown;
  plugins: { __internal_plugin_id__?: string; __is_disabled_plugin__?: boolean }[];
};
const internalsOf = (server: unknown) => (server as { internals: Internals }).internals;

/** What Apollo would apply that the pipeline does not (and the reverse), for a running server. */
function drift(internals: Internals, rules: readonly ValidationRule[], maxTokens: number): string[] {
  const out: string[] = [];
  const applied = [...specifiedRules, ...internals.validationRules, ...(internals.laterValidationRules ?? [])];
  const names = (list: readonly ValidationRule[]) => list.map((r) => r.name);
  if (applied.length !== rules.length || applied.some((r, i) => r !== rules[i]))
    out.push(`rules: Apollo ${names(applied).join(',')} ≠ pipeline ${names(rules).join(',')}`);
  if (internals.parseOptions.maxTokens !== maxTokens) out.push(`maxTokens: Apollo ${internals.parseOptions.maxTokens} ≠ pipeline ${maxTokens}`);
  if (Object.keys(internals.parseOptions).some((k) => k !== 'maxTokens')) out.push(`parseOptions: ${Object.keys(internals.parseOptions).join(',')}`);
  if (internals.dangerouslyDisableValidation) out.push('validation disabled');
  if (internals.hideSchemaDetailsFromClientErrors) out.push('schema details hidden on HTTP only');
  if (internals.formatError !== formatError) out.push('another formatter');
  if (internals.fieldResolver || internals.rootValue || Object.keys(internals.executionOptions ?? {}).length > 0)
    out.push('execution options graphql-ws does not get');
  if (JSON.stringify(internals.csrfPreventionRequestHeaders) !== JSON.stringify(PREFLIGHT_HEADERS))
    out.push(`CSRF headers: ${internals.csrfPreventionRequestHeaders}`);
  // Apollo's own plugins only as no-ops or hint readers; the one plugin of ours is the admission plugin.
  const ids = internals.plugins.map((p) => `${p.__internal_plugin_id__ ?? 'admission'}${p.__is_disabled_plugin__ ? ' (disabled)' : ''}`);
  const expected = [
    'LandingPageDisabled (disabled)',
    'UsageReporting (disabled)',
    'SchemaReporting (disabled)',
    'InlineTrace (disabled)',
    'CacheControl',
    'admission',
  ];
  if (JSON.stringify(ids) !== JSON.stringify(expected)) out.push(`plugins: ${ids.join(', ')}`);
  return out;
}

describe('Apollo Server is given nothing the pipeline does not apply over graphql-ws', () => {
  // The options as the gateway builds them (the observer is only kept by the plugin, never called here).
  const options = () => apolloOptions({ schema: gatewaySchema(), admission: t.gateway.admission, observer: undefined as never, log: createLogger('silent') });

  it('every option it is given is judged', () => {
    expect(Object.keys(options()).filter((k) => !(k in JUDGED))).toEqual([]);
  });

  it("runs the pipeline's rule list and limits, and no rule, limit, formatter or execution option of its own", () => {
    const internals = internalsOf(t.gateway.apollo);
    expect(t.gateway.admission.rules.map((r) => r.name)).toContain('NoSchemaIntrospectionCustomRule');
    expect(drift(internals, t.gateway.admission.rules, t.gateway.admission.limits.maxTokens)).toEqual([]);
  });

  it('can fail: a rule, a limit or a plugin given to Apollo alone is found', () => {
    const internals = internalsOf(t.gateway.apollo);
    const extraRule: ValidationRule = function ApolloOnlyRule() {
      return {};
    };
    const rules = t.gateway.admission.rules;
    const maxTokens = t.gateway.admission.limits.maxTokens;
    expect(drift({ ...internals, validationRules: [...internals.validationRules, extraRule] }, rules, maxTokens)).toEqual([
      expect.stringMatching(/ApolloOnlyRule/),
    ]);
    expect(drift({ ...internals, validationRules: internals.validationRules.slice(1) }, rules, maxTokens)).toHaveLength(1);
    expect(drift({ ...internals, parseOptions: { maxTokens: maxTokens + 1 } }, rules, maxTokens)).toEqual([expect.stringMatching(/maxTokens/)]);
    expect(drift({ ...internals, plugins: [...internals.plugins, { __internal_plugin_id__: 'UsageReporting' }] }, rules, maxTokens)).toEqual([
      expect.stringMatching(/plugins/),
    ]);
    expect(drift({ ...internals, csrfPreventionRequestHeaders: ['x-other'] }, rules, maxTokens)).toEqual([expect.stringMatching(/CSRF/)]);
  });
});
