import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';
import { changeOf, shareOf } from '../../domain/change';
import { canonicalReason, storedDiscardReason, type DiscardStep } from '../../domain/discard-reasons';
import { AppError, ErrorCode } from '../../domain/errors';
import { PipelineStepKind, reportStepOf } from '../../domain/steps';
import { discardCounts, discardSamples, type DiscardSampleValue } from '../../metrics/breakdown.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import { EventFilter, TimeRangeInput } from '../common/time-range.input';
import type { RequestContext } from '../context';
import { reportStepFor } from '../common/args';
import { stepContext } from '../pipeline/step-context';
import { mappingShareOf } from '../../metrics/pipeline.build';
import { redactHeaders, redactUrl } from '../../ingest/sample.redact';
import { DiscardRow, DiscardSample } from './discard.type';

export const MAX_SAMPLES = 10;

/** The discard table of a destination: one row per reason at a discard step. */
@Resolver(() => Destination)
export class DiscardsResolver {
  @Cost({ query: true, list: { assumed: 20 } })
  @FieldResolver(() => [DiscardRow], { description: 'One row per reason at a discard step, with the remedy and samples.' })
  async discards(
    @Root() destination: Destination,
    @Arg('step', () => PipelineStepKind) stepKind: PipelineStepKind,
    @Arg('range', () => TimeRangeInput) rangeInput: TimeRangeInput,
    @Arg('mappingId', () => ID, { nullable: true }) mappingId: string | null,
    @Arg('filter', () => EventFilter, { nullable: true }) filterInput: EventFilter | null,
    @Ctx() ctx: RequestContext,
  ): Promise<DiscardRow[]> {
    const step = reportStepFor(destination, stepKind, 'A discard table', true);
    const { scope, slice, received, reached } = await stepContext(ctx, destination, step, rangeInput, mappingId, filterInput);
    const wdb = ctx.forWorkspace().wdb;
    const rows = await discardCounts(wdb, scope, slice);
    let samples: Promise<DiscardSampleValue[]> | null = null;
    const samplesOfTable = () => (samples ??= discardSamples(wdb, scope, slice, MAX_SAMPLES));
    return rows.map((r) => {
      return {
        reason: { ...storedDiscardReason(step as DiscardStep, r.reason), step: stepKind },
        count: r.now,
        previousCount: r.before,
        share: shareOf(r.now, received.now),
        mappingShare: mappingShareOf(step, r.now, reached),
        change: changeOf(r.now, r.before, received.now, received.before),
        samplesOfTable,
      };
    });
  }
}

@Resolver(() => DiscardRow)
export class DiscardRowResolver {
  @Cost({ query: true, list: { assumed: MAX_SAMPLES, arg: 'limit', max: MAX_SAMPLES } })
  @FieldResolver(() => [DiscardSample], { description: `Up to ${MAX_SAMPLES} samples in the range, newest first.` })
  async samples(@Root() row: DiscardRow, @Arg('limit', () => Int, { defaultValue: MAX_SAMPLES }) limit: number): Promise<DiscardSample[]> {
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_SAMPLES) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `limit must be 0-${MAX_SAMPLES}`, { field: 'limit' });
    }
    const all = await row.samplesOfTable();
    // Samples keep the code as sent: an alias (etimedout) belongs to its canonical row (ETIMEDOUT).
    const step = reportStepOf(row.reason.step) as DiscardStep;
    const code = canonicalReason(step, row.reason.code);
    return all
      .filter((s) => canonicalReason(step, s.reason) === code)
      .slice(0, limit)
      .map(redactedOnRead);
  }
}

/**
 * The exchange of a sample under today's redaction rules. Ingest redacted it before storage, but
 * with the rules of its day: rows stored before the rules widened (issue 23) may hold secrets the
 * rules now recognize, and redacting twice changes nothing that was already hidden.
 */
function redactedOnRead(s: DiscardSampleValue): DiscardSampleValue {
  const request = s.request && { ...s.request, url: s.request.url === null ? null : redactUrl(s.request.url), headers: redactHeaders(s.request.headers) };
  const response = s.response && { ...s.response, headers: redactHeaders(s.response.headers) };
  return { ...s, request, response };
}
