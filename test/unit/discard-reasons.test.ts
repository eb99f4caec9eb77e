import { readFileSync } from 'fs';
import { join } from 'path';
import {
  canonicalReason,
  canonicalReasonOf,
  DISCARD_REASONS,
  type DiscardStep,
  discardReasonOrUnknown,
  docsAnchor,
  findDiscardReason,
  unknownDiscardReason,
} from '../../src/domain/discard-reasons';

const DOCS = readFileSync(join(__dirname, '..', '..', 'docs', 'discard-reasons.md'), 'utf8');
const STEP_ORDER: readonly DiscardStep[] = ['failed_ingest', 'filtered_source', 'failed_extract', 'filtered_destination', 'failed_delivery'];
/** Section anchors of docs/discard-reasons.md that group codes of one step by the kind that sends them. */
const KIND_SECTIONS = ['filtered_at_mapping', 'audience_filtered', 'connection_failures'];

function anchorOf(docsUrl: string): string {
  const match = /^\/docs\/discard-reasons\.md#(.+)$/.exec(docsUrl);
  if (!match) throw new Error(`unexpected docsUrl ${docsUrl}`);
  return match[1];
}

describe('discard-reason catalogue: integrity', () => {
  it('has exactly one entry per (step, code)', () => {
    const keys = DISCARD_REASONS.map((r) => `${r.step}\u0000${r.code}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives every entry a unique anchor that matches docsAnchor and docsUrl', () => {
    const anchors = DISCARD_REASONS.map((r) => docsAnchor(r.step, r.code));
    expect(new Set(anchors).size).toBe(anchors.length);
    for (const r of DISCARD_REASONS) {
      expect(anchorOf(r.docsUrl)).toBe(docsAnchor(r.step, r.code));
      expect(docsAnchor(r.step, r.code)).toMatch(new RegExp(`^${r.step}-[a-z0-9-]+$`));
    }
  });

  it('keeps the uppercase variant on the base anchor and suffixes the lowercase one', () => {
    expect(docsAnchor('failed_ingest', 'BAD_REQUEST')).toBe('failed_ingest-bad-request');
    expect(docsAnchor('failed_ingest', 'bad_request')).toBe('failed_ingest-bad-request-lower');
    expect(docsAnchor('failed_delivery', 'ETIMEDOUT')).toBe('failed_delivery-etimedout');
    expect(docsAnchor('failed_ingest', 'empty_batch')).toBe('failed_ingest-empty-batch');
  });

  it('lists each alias once, never as a code of its own step', () => {
    const codes = new Set(DISCARD_REASONS.map((r) => `${r.step}\u0000${r.code}`));
    const aliases = DISCARD_REASONS.flatMap((r) => r.aliases.map((a) => `${r.step}\u0000${a}`));
    expect(aliases.filter((a) => codes.has(a))).toEqual([]);
    expect(new Set(aliases).size).toBe(aliases.length);
  });

  it('has no empty field', () => {
    for (const r of DISCARD_REASONS) {
      for (const value of [r.code, r.step, r.title, r.description, r.remedy, r.docsUrl]) {
        expect(value.trim()).not.toBe('');
      }
    }
  });

  it('is grouped by step in pipeline order', () => {
    const stepIndexes = DISCARD_REASONS.map((r) => STEP_ORDER.indexOf(r.step));
    expect(stepIndexes.every((i) => i >= 0)).toBe(true);
    expect(stepIndexes).toEqual([...stepIndexes].sort((a, b) => a - b));
  });

  it('has every anchor in docs/discard-reasons.md, with the entry text next to it', () => {
    for (const r of DISCARD_REASONS) {
      const anchor = anchorOf(r.docsUrl);
      const start = DOCS.indexOf(`<a id="${anchor}"></a>`);
      expect({ anchor, found: start >= 0 }).toEqual({ anchor, found: true });
      const next = DOCS.indexOf('<a id="', start + 1);
      const section = DOCS.slice(start, next === -1 ? undefined : next);
      expect(section).toContain(`\`${r.code}\``);
      expect(section).toContain(r.title);
      expect(section).toContain(r.description);
      expect(section).toContain(r.remedy);
      for (const alias of r.aliases) expect(section).toContain(`\`${alias}\``);
    }
    expect(DOCS).toContain(`<a id="${anchorOf(unknownDiscardReason('failed_ingest', 'x').docsUrl)}"></a>`);
  });

  it('documents no anchor that the catalogue lacks', () => {
    const documented = [...DOCS.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]);
    const known = new Set<string>([
      ...DISCARD_REASONS.map((r) => anchorOf(r.docsUrl)),
      ...STEP_ORDER,
      ...KIND_SECTIONS,
      anchorOf(unknownDiscardReason('failed_ingest', 'x').docsUrl),
    ]);
    expect(documented.filter((a) => !known.has(a))).toEqual([]);
  });
});

describe('discard-reason catalogue: coverage', () => {
  const expected: Record<DiscardStep, readonly string[]> = {
    failed_ingest: ['empty_batch', 'no_user_anon_id', 'id_required', 'unknown_source', 'BAD_REQUEST', 'bad_request'],
    filtered_source: ['schema_violation', 'unplanned', 'unplanned_and_schema_violation', 'common_schema_violation', 'event_setting'],
    filtered_destination: [
      'FILTERED_BY_RULES',
      'FILTERED_BY_INTEGRATIONS_OBJECT',
      'NO_MATCHING_MAPPING',
      'FILTERED_AT_MAPPING',
      'FILTERED_BY_END_USER_CONSENT',
      'INVALID_SETTINGS',
    ],
    failed_extract: ['QUERY_FAILED', 'WAREHOUSE_UNREACHABLE', 'PRIMARY_KEY_MISSING', 'DUPLICATE_PRIMARY_KEY'],
    failed_delivery: [
      '429',
      '400',
      'BAD_REQUEST',
      'ETIMEDOUT',
      'etimedout',
      '401',
      '404',
      '502',
      '503',
      'EREFUSED',
      'ECONNRESET',
      'RETRY',
      'INVALID_SETTINGS',
      'RECORD_NOT_FOUND',
      'AUDIENCE_NOT_FOUND',
    ],
  };

  for (const step of STEP_ORDER) {
    it(`includes the expected ${step} codes`, () => {
      const missing = expected[step].filter((code) => findDiscardReason(step, code) === undefined);
      expect(missing).toEqual([]);
      for (const code of expected[step]) {
        const reason = findDiscardReason(step, code);
        expect(reason?.step).toBe(step);
        expect(reason?.code === code || reason?.aliases.includes(code)).toBe(true);
      }
    });
  }

  it('maps the aliases the reference lists as one reason to one canonical code, and nothing else', () => {
    expect(canonicalReason('failed_delivery', 'etimedout')).toBe('ETIMEDOUT');
    expect(canonicalReason('failed_delivery', 'BAD_REQUEST')).toBe('400');
    expect(canonicalReason('failed_ingest', 'SOURCE_DISABLED')).toBe('source_disabled');
    expect(findDiscardReason('failed_delivery', 'etimedout')).toBe(findDiscardReason('failed_delivery', 'ETIMEDOUT'));
    // Kept apart where the catalogue keeps them apart, and per step.
    expect(canonicalReason('failed_ingest', 'BAD_REQUEST')).toBe('BAD_REQUEST');
    expect(canonicalReason('failed_ingest', 'bad_request')).toBe('bad_request');
    expect(canonicalReason('filtered_destination', 'bad_request')).toBe('bad_request');
    expect(canonicalReason('failed_delivery', 'Etimedout')).toBe('Etimedout');
    expect(canonicalReasonOf('retry_enqueued', 'etimedout')).toBe('ETIMEDOUT');
    expect(canonicalReasonOf('delivered', '')).toBe('');
  });

  it('treats codes case-sensitively and per step', () => {
    expect(findDiscardReason('failed_ingest', 'BAD_REQUEST')).not.toBe(findDiscardReason('failed_ingest', 'bad_request'));
    expect(findDiscardReason('failed_delivery', 'Etimedout')).toBeUndefined();
    expect(findDiscardReason('filtered_source', 'empty_batch')).toBeUndefined();
    expect(findDiscardReason('filtered_destination', 'INVALID_SETTINGS')).not.toBe(findDiscardReason('failed_delivery', 'INVALID_SETTINGS'));
  });
});

describe('discard-reason catalogue: kinds', () => {
  it('says which destination kinds report each code, and only kinds whose pipeline shows its step', () => {
    const shows: Record<DiscardStep, readonly string[]> = {
      failed_ingest: ['classic', 'actions', 'storage'],
      filtered_source: ['classic', 'actions', 'storage'],
      failed_extract: ['retl'],
      filtered_destination: ['classic', 'actions', 'storage', 'retl', 'audience'],
      failed_delivery: ['classic', 'actions', 'retl', 'audience'],
    };
    for (const r of DISCARD_REASONS) {
      expect(r.kinds.length).toBeGreaterThan(0);
      expect({ code: r.code, outside: r.kinds.filter((k) => !shows[r.step].includes(k)) }).toEqual({ code: r.code, outside: [] });
    }
    expect(findDiscardReason('filtered_destination', 'MAPPING_DISABLED')?.kinds).toEqual(['retl']);
    expect(findDiscardReason('failed_delivery', '429')?.kinds).toEqual(['classic', 'actions', 'retl', 'audience']);
    expect(findDiscardReason('filtered_destination', 'FILTERED_BY_END_USER_CONSENT')?.kinds).toContain('audience');
  });
});

describe('discard-reason lookups', () => {
  it('returns undefined for a code the catalogue lacks', () => {
    expect(findDiscardReason('failed_ingest', 'no_such_code')).toBeUndefined();
  });

  it('falls back to an unknown entry that preserves the code', () => {
    const reason = discardReasonOrUnknown('failed_ingest', 'no_such_code');
    expect(reason).toEqual(unknownDiscardReason('failed_ingest', 'no_such_code'));
    expect(reason.code).toBe('no_such_code');
    expect(reason.step).toBe('failed_ingest');
    expect(reason.title).toBe('Unknown reason');
    expect(reason.description).toContain('no_such_code');
    expect(reason.remedy.trim()).not.toBe('');
    expect(reason.docsUrl).toBe('/docs/discard-reasons.md#unknown-reasons');
  });

  it('returns the catalogue entry when there is one', () => {
    expect(discardReasonOrUnknown('failed_delivery', '429')).toBe(findDiscardReason('failed_delivery', '429'));
  });
});
