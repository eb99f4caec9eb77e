import { compoundKey } from '../domain/compound-key';
import type { ResolvedRange } from '../domain/time-range';
import type { EventFilterValue } from './tiered';

/**
 * What a read is about, besides which destinations: a range (and the period before it),
 * an event filter, and one mapping or none. Every metrics query takes one, and reads whose
 * slices have the same key share one statement (the loaders group on `sliceKey`).
 *
 * Narrowing to one source is not part of it: one statement serves a source's view of all
 * its destinations, each narrowed to that source, so the narrowing stays with each target
 * (`StepScope.sourceId`, `DestinationScope.sourceId`).
 */
export interface Slice {
  readonly range: ResolvedRange;
  readonly filter: EventFilterValue | null;
  readonly mappingId: string | null;
}

/** A slice of `range`, unfiltered and not narrowed to a mapping unless told. */
export function sliceOf(range: ResolvedRange, parts: { filter?: EventFilterValue | null; mappingId?: string | null } = {}): Slice {
  return { range, filter: parts.filter ?? null, mappingId: parts.mappingId ?? null };
}

/** The range's instants alone (a grouping key of reads that take no filter or mapping). */
export function rangeKey(range: ResolvedRange): string {
  return compoundKey(range.from, range.to);
}

/** Reads with equal keys may share a statement (the zone is the caller's to add where buckets depend on it). */
export function sliceKey(slice: Slice): string {
  return compoundKey(rangeKey(slice.range), slice.mappingId ?? '', JSON.stringify(slice.filter ?? {}));
}
