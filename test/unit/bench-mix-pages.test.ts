import fs from 'node:fs';
import path from 'node:path';
import { DestinationViewDocument, OverviewDocument } from '../../web/src/gql/graphql';
import { overviewVariables, parseDestinationState } from '../../web/src/state';
import { destinationViewVariables } from '../../web/src/views/destination-query';
import { destinationLoad, discardStepsOf, discardsLoad, overviewLoad, type PageLoad } from '../../tools/bench/mix.pages';

const WEB = path.resolve(__dirname, '../../web/src');
const read = (file: string) => fs.readFileSync(path.join(WEB, file), 'utf8');
const sent = (load: PageLoad) =>
  load.waves.map((wave) => wave.map((r) => ({ operation: r.operation, ...(JSON.parse(r.body) as { query: string; variables: unknown }) })));

/** The dashboard mix (tools/bench/mix.pages.ts) sends what the page sends: its documents, its variables, its order. */
describe('the dashboard mix’s page loads', () => {
  it('the overview: the Overview document the overview view asks for, with the variables the page derives from its address', () => {
    expect(read('views/overview.tsx')).toMatch(/useSnapshot\(\s*OverviewDocument,/);
    expect(sent(overviewLoad())).toEqual([
      [{ operation: 'Overview', query: OverviewDocument.toString(), variables: overviewVariables(new URLSearchParams()) }],
    ]);
  });

  it('a destination page: the pipeline alone (the boot module’s request), then the view with its movers and latency', () => {
    expect(read('boot.ts')).toContain('prefetch(DestinationViewDocument, destinationViewVariables(decodeURIComponent(destination[1]), state, false))');
    expect(read('views/destination.tsx')).toMatch(/useSnapshot\(\s*DestinationViewDocument,/);
    const state = parseDestinationState(new URLSearchParams());
    const [[first], [full]] = sent(destinationLoad('dst_00'));
    expect(first).toEqual({
      operation: 'DestinationView',
      query: DestinationViewDocument.toString(),
      variables: destinationViewVariables('dst_00', state, false),
    });
    expect(full.variables).toMatchObject({
      id: 'dst_00',
      range: { preset: 'LAST_24_HOURS', timeZone: state.timeZone, lookback: true },
      mappingId: null,
      withInsights: true,
      withLatency: true,
      withDiscards: false,
    });
  });

  it('a discard drill-down: one DestinationView request with the step’s panels, samples included', () => {
    const [[discards]] = sent(discardsLoad('dst_00', 'FAILED_DELIVERY'));
    expect(discards.query).toBe(DestinationViewDocument.toString());
    expect(discards.query).toContain('samples(limit: 10)');
    expect(discards.variables).toMatchObject({
      id: 'dst_00',
      step: 'FAILED_DELIVERY',
      granularity: 'HOUR',
      mappingId: null,
      withDiscards: true,
      withSeries: true,
      withInsights: false,
    });
  });

  it('drills into the red steps of the answer, those with events first', () => {
    const steps = [
      { kind: 'SUCCESSFULLY_RECEIVED', isDiscard: false, count: 10 },
      { kind: 'FAILED_ON_INGEST', isDiscard: true, count: 0 },
      { kind: 'RETRY_PENDING', isDiscard: false, count: 3 },
      { kind: 'FAILED_DELIVERY', isDiscard: true, count: 2 },
    ];
    expect(discardStepsOf({ destination: { pipeline: { steps } } })).toEqual(['FAILED_DELIVERY', 'FAILED_ON_INGEST']);
    expect(discardStepsOf(null)).toEqual([]);
  });
});
