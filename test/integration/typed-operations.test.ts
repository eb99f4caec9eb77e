import { BreakdownDocument, DestinationsDocument, DiscardsDocument, PipelineDocument, type PipelineStepKind } from '../generated/operations';
import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * The operations under test/operations, typed by `npm run codegen`: the compiler checks
 * every variable and every field read below against the committed schema.
 */
let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('typed_ops');
  token = await t.token('ws_typed', ['read', 'ingest']);
  const res = await t.ingest(token, [
    sourceReport({ sourceId: 'src_app', count: 500 }, 30),
    report({ sourceId: 'src_app', destinationId: 'dst_typed', step: 'delivered', count: 400 }, 30),
    report(
      {
        sourceId: 'src_app',
        destinationId: 'dst_typed',
        step: 'failed_delivery',
        reason: '429',
        count: 60,
        eventName: 'Checkout Started',
        messageId: 'm-typed-1',
        sample: { payload: { event: 'Checkout Started' }, error: 'rate limited' },
      },
      30,
    ),
    report({ sourceId: 'src_app', destinationId: 'dst_typed', step: 'failed_delivery', reason: '400', count: 40 }, 30),
    report({ sourceId: 'src_app', destinationId: 'dst_other', destinationKind: 'storage', step: 'delivered', count: 7 }, 30),
  ]);
  expect(res.status).toBe(200);
});
afterAll(async () => t.close());

describe('typed operations (test/generated/operations.ts)', () => {
  it('Destinations lists every destination with its sources', async () => {
    const res = await t.gql(token, DestinationsDocument);
    expect(res.body.errors).toBeUndefined();
    const rows = res.body.data!.destinations;
    expect(rows.map((d) => [d.id, d.kind, d.sources.map((s) => s.id)]).sort()).toEqual([
      ['dst_other', 'STORAGE', ['src_app']],
      ['dst_typed', 'CLASSIC', ['src_app']],
    ]);
  });

  it('Pipeline returns every step with counts and shares', async () => {
    const res = await t.gql(token, PipelineDocument, { id: 'dst_typed', range: { preset: 'LAST_HOUR' } });
    expect(res.body.errors).toBeUndefined();
    const pipeline = res.body.data!.destination!.pipeline;
    const byKind = new Map<PipelineStepKind, (typeof pipeline.steps)[number]>(pipeline.steps.map((s) => [s.kind, s]));
    expect(byKind.get('SUCCESSFULLY_RECEIVED')!.count).toBe(500);
    expect(byKind.get('SUCCESSFUL_DELIVERY')).toMatchObject({ count: 400, share: 80, isDiscard: false });
    expect(byKind.get('FAILED_DELIVERY')).toMatchObject({ count: 100, share: 20, isDiscard: true, change: { count: 100 } });
    expect(new Date(pipeline.to).getTime()).toBeGreaterThan(new Date(pipeline.from).getTime());
  });

  it('Breakdown splits a discard reason by event name', async () => {
    const res = await t.gql(token, BreakdownDocument, { id: 'dst_typed', step: 'FAILED_DELIVERY', reason: '429', range: { preset: 'LAST_HOUR' }, first: 10 });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.destination!.breakdown.map((r) => [r.eventName, r.count])).toEqual([['Checkout Started', 60]]);
  });

  it('Discards lists reasons largest first, with the remedy and samples', async () => {
    const res = await t.gql(token, DiscardsDocument, { id: 'dst_typed', step: 'FAILED_DELIVERY', range: { preset: 'LAST_HOUR' }, samples: 1 });
    expect(res.body.errors).toBeUndefined();
    const rows = res.body.data!.destination!.discards;
    expect(rows.map((r) => [r.reason.code, r.count, r.reason.step])).toEqual([
      ['429', 60, 'FAILED_DELIVERY'],
      ['400', 40, 'FAILED_DELIVERY'],
    ]);
    expect(rows[0].reason.remedy.length).toBeGreaterThan(0);
    expect(rows[0].samples).toEqual([expect.objectContaining({ messageId: 'm-typed-1', error: 'rate limited' })]);
    expect(JSON.parse(rows[0].samples[0].payload!)).toEqual({ event: 'Checkout Started' });
  });

  it('the compiler refuses variables and fields the schema does not have (npm run typecheck)', () => {
    const never = async () => {
      // @ts-expect-error `step` must be one of the PipelineStepKind values.
      await t.gql(token, BreakdownDocument, { id: 'x', step: 'NOT_A_STEP', range: {} });
      const res = await t.gql(token, DestinationsDocument);
      // @ts-expect-error Destinations does not select `retryPending`.
      return res.body.data!.destinations[0].retryPending;
    };
    expect(typeof never).toBe('function');
  });

  it('a typed document and its string form give the same answer', async () => {
    const { print } = await import('graphql');
    const typed = await t.gql(token, PipelineDocument, { id: 'dst_typed', range: { preset: 'LAST_HOUR' } });
    const text = await t.gql(token, print(PipelineDocument), { id: 'dst_typed', range: { preset: 'LAST_HOUR' } });
    expect(text.body).toEqual(typed.body);
  });
});
