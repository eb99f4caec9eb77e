import { validateRecord, type FieldError } from '../../src/ingest/report.validate';

const UNBOUNDED = { oldest: -Infinity, newest: Infinity };
const base = { timestamp: '2026-11-25T10:00:00Z', sourceId: 'src', destinationId: 'dst', destinationKind: 'classic' };

function check(record: Record<string, unknown>) {
  const errors: FieldError[] = [];
  const valid = validateRecord(record, 0, UNBOUNDED, errors);
  return { valid: valid?.kind === 'delivery' ? valid.report : null, errors: errors.map((e) => `${e.field}: ${e.reason}`) };
}

describe('attempt and latencyMs on delivery reports', () => {
  it.each(['delivered', 'failed_delivery'])('are kept on %s at their edges', (step) => {
    const reason = step === 'failed_delivery' ? { reason: '503' } : {};
    for (const [attempt, latencyMs] of [
      [1, 0],
      [100, 86_400_000],
      [7, 1234],
    ]) {
      const { valid, errors } = check({ ...base, ...reason, step, attempt, latencyMs });
      expect(errors).toEqual([]);
      expect([valid!.attempt, valid!.latencyMs]).toEqual([attempt, latencyMs]);
    }
    const { valid } = check({ ...base, ...reason, step, attempt: null });
    expect([valid!.attempt, valid!.latencyMs]).toEqual([undefined, undefined]);
  });

  it('are refused out of range, with the field named', () => {
    for (const attempt of [0, 101, 1.5, '1', true])
      expect(check({ ...base, step: 'delivered', attempt }).errors).toEqual(['attempt: must be an integer from 1 (the first attempt) to 100']);
    for (const latencyMs of [-1, 86_400_001, 0.5, '10']) {
      expect(check({ ...base, step: 'delivered', latencyMs }).errors).toEqual([
        'latencyMs: must be an integer number of milliseconds from 0 to 86400000 (24 hours)',
      ]);
    }
  });

  it('are refused on every other step', () => {
    expect(check({ ...base, step: 'filtered_destination', reason: 'x', attempt: 1, latencyMs: 5 }).errors).toEqual([
      'attempt: is only allowed on delivered and failed_delivery reports, not on filtered_destination',
      'latencyMs: is only allowed on delivered and failed_delivery reports, not on filtered_destination',
    ]);
    expect(check({ timestamp: base.timestamp, sourceId: 'src', step: 'received', attempt: 2 }).errors).toEqual([
      'attempt: is only allowed on delivered and failed_delivery reports, not on received',
    ]);
  });

  // Issue 23 item 6: a storage destination's `delivered` counts events converted to warehouse
  // rows; there was no delivery attempt to number or time, so both fields are refused there.
  it('are refused on a storage destination’s delivered reports, each with its field named', () => {
    const storage = { ...base, destinationKind: 'storage', step: 'delivered' };
    expect(check({ ...storage, attempt: 1, latencyMs: 3374 }).errors).toEqual([
      'attempt: storage destinations report events converted to warehouse rows, not delivery attempts: leave attempt out',
      'latencyMs: storage destinations report events converted to warehouse rows, not delivery attempts: leave latencyMs out',
    ]);
    const { valid, errors } = check({ ...storage, attempt: null, latencyMs: null });
    expect(errors).toEqual([]);
    expect([valid!.attempt, valid!.latencyMs]).toEqual([undefined, undefined]);
  });
});
