import fs from 'node:fs';
import path from 'node:path';
import { DestinationPageDocument, DiscardsDocument, InsightsDocument, OverviewDocument } from '../../web/src/gql/graphql';
import { destinationPageVariables, overviewVariables, parseDestinationState } from '../../web/src/state';
import { destinationLoad, discardStepsOf, discardsLoad, overviewLoad, type PageLoad } from '../../tools/bench/mix.pages';

const WEB = path.resolve(__dirname, '../../web/src');
const read = (file: string) => fs.readFileSync(path.join(WEB, file), 'utf8');
const sent = (load: PageLoad) => load.waves.map((wave) => wave.map((r) => ({ operation: r.operation, ...(JSON.parse(r.body) as { query: string; variables: unknown }) })));

/** The dashboard mix (tools/bench/mix.pages.ts) sends what the page sends: its documents, its variables, its order. */
describe('the dashboard mix’s page loads', () => {
  it('the overview: the Overview document the overview view asks for, with the variables the page derives from its address', () => {
    expect(read('views/overview.tsx')).toContain('useQuery(OverviewDocument, variables)');
    expect(sent(overviewLoad())).toEqual([[{ operation: 'Overview', query: OverviewDocument.toString(), variables: overviewVariables(new URLSearchParams()) }]]);
  });

  it('a destination page: DestinationPage, then Insights (mounted once the pipeline is drawn, when no step is open)', () => {
    expect(read('views/destination.tsx')).toContain('useQuery(DestinationPageDocument, variables)');
    expect(read('views/destination.tsx')).toMatch(/destination && pipeline && \(state\.step \? <StepDetail .* : <Insights /);
    expect(read('components/insights.tsx')).toContain('useQuery(InsightsDocument');
    const state = parseDestinationState(new URLSearchParams());
    const [[page], [insights]] = sent(destinationLoad('dst_00'));
    expect(page).toEqual({ operation: 'DestinationPage', query: DestinationPageDocument.toString(), variables: destinationPageVariables('dst_00', state) });
    expect(insights.operation).toBe('Insights');
    expect(insights.query).toBe(InsightsDocument.toString());
    expect(insights.variables).toEqual({ id: 'dst_00', range: { preset: 'LAST_24_HOURS', timeZone: state.timeZone, lookback: true }, mappingId: null });
  });

  it('a discard drill-down: the DiscardView’s one Discards request, samples included', () => {
    expect(read('views/step-detail.tsx')).toContain('useQuery(DiscardsDocument');
    const [[discards]] = sent(discardsLoad('dst_00', 'FAILED_DELIVERY'));
    expect(discards.query).toBe(DiscardsDocument.toString());
    expect(discards.query).toContain('samples(limit: 10)');
    expect(discards.variables).toMatchObject({ id: 'dst_00', step: 'FAILED_DELIVERY', granularity: 'HOUR', mappingId: null });
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
