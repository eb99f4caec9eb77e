import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { recordSchema, TIMESTAMP_PATTERN } from '../../src/ingest/report.schema';
import { DELIVERY_FIELDS, validateRecord, type FieldError } from '../../src/ingest/report.validate';
import { mutatedRecord, nonObjectRecord, serialize, validRecord } from '../fuzz/ingest.bodies';

/**
 * The published JSON Schema of an ingest record against the gateway's validator: every record
 * the ingest fuzzer's generators make (valid ones, the same with 1-3 mutations, non-objects) is
 * checked by both, and they must agree. The validator runs with an unbounded time window, and a
 * sync finishing before it started is not counted as a disagreement: those two rules are the
 * ones a JSON Schema cannot state (the schema describes them).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RECORDS = Number(process.env.SCHEMA_RECORDS ?? 4000);
const UNBOUNDED = { oldest: -Infinity, newest: Infinity };

const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: false });
const schemaValid = ajv.compile(recordSchema());

/** What the schema can be asked to say: the validator's verdict without the rules it cannot state. */
function validatorValid(value: unknown): { valid: boolean; errors: FieldError[] } {
  const errors: FieldError[] = [];
  validateRecord(value, 0, UNBOUNDED, errors);
  const stated = errors.filter((e) => !(e.field === 'finishedAt' && e.reason === 'must not be before startedAt'));
  return { valid: stated.length === 0, errors: stated };
}

function disagreements(records: unknown[]): { record: string; validator: FieldError[]; schema: unknown }[] {
  const out: { record: string; validator: FieldError[]; schema: unknown }[] = [];
  for (const r of records) {
    // What the gateway parses: the JSON text a producer would send.
    const value: unknown = JSON.parse(serialize(r));
    const gateway = validatorValid(value);
    const schema = schemaValid(value);
    if (schema !== gateway.valid)
      out.push({ record: serialize(r).slice(0, 300), validator: gateway.errors.slice(0, 3), schema: schemaValid.errors?.slice(0, 3) });
  }
  return out;
}

describe('the ingest record schema agrees with the validator', () => {
  it('is a valid JSON Schema 2020-12 (compiled in strict mode)', () => {
    expect(typeof schemaValid).toBe('function');
  });

  it.each([
    ['valid records', validRecord, true],
    ['mutated records', mutatedRecord, false],
    ['non-object records', nonObjectRecord, false],
  ] as const)('on %s from the fuzz generators', (_name, arb, mostlyValid) => {
    const records = fc.sample(arb as fc.Arbitrary<unknown>, { numRuns: RECORDS, seed: SEED });
    const valid = records.filter((r) => validatorValid(JSON.parse(serialize(r))).valid).length;
    // The generators still make what their names say (a few valid ones hold a lone surrogate).
    if (mostlyValid) expect(valid).toBeGreaterThan(RECORDS * 0.5);
    else expect(valid).toBeLessThan(RECORDS * 0.5);
    expect(disagreements(records)).toEqual([]);
  });

  it('agrees on timestamps at the edges of what the engine parses', () => {
    const base = { sourceId: 'src', step: 'received' };
    const cases = [
      '2026-02-30T10:00:00Z',
      '2026-04-31T10:00:00Z',
      '2026-01-00T10:00:00Z',
      '2026-01-32T10:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-01T24:00Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T24:00:30Z',
      '2026-01-01T24:01Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:60Z',
      '2026-01-01T10:00+0100',
      '2026-01-01T10:00:00-0000',
      '2026-01-01T10:00:00+23:59',
      '2026-01-01T10:00:00+24:00',
      '2026-01-01T10:00:00+00:60',
      '2026-01-01T10:00:00.123456789Z',
      '2026-01-01T10:00:00.1234567890Z',
      '2026-01-01T10:00:00',
      '2026-01-01 10:00:00Z',
      '0000-01-01T00:00:00Z',
    ];
    for (const timestamp of cases) {
      const value = { ...base, timestamp };
      expect({ timestamp, schema: schemaValid(value) }).toEqual({ timestamp, schema: validatorValid(value).valid });
    }
    expect(new RegExp(TIMESTAMP_PATTERN).test('2026-11-25T10:00:00.000Z')).toBe(true);
  });

  it('counts text length in characters (code points) on both sides: 64 emoji fit eventType, 65 do not', () => {
    const at = (n: number) => ({ sourceId: 'src', step: 'received', timestamp: '2026-11-25T10:00:00Z', eventType: '😀'.repeat(n) });
    for (const n of [64, 65]) expect([n, schemaValid(at(n)), validatorValid(at(n)).valid]).toEqual([n, n === 64, n === 64]);
  });

  it('describes every field the validator knows', () => {
    const delivery = (recordSchema().$defs as Record<string, { properties: Record<string, unknown> }>).delivery;
    expect(Object.keys(delivery.properties).sort()).toEqual([...DELIVERY_FIELDS].sort());
  });

  it('can fail: a schema that forgot a rule disagrees', () => {
    const loose = structuredClone(recordSchema()) as { $defs: { delivery: { allOf?: unknown[] } } };
    delete loose.$defs.delivery.allOf;
    const check = new Ajv2020({ strict: true, strictTypes: false }).compile(loose);
    const onSourceStep = { sourceId: 'src', step: 'received', timestamp: '2026-11-25T10:00:00Z', destinationId: 'dst' };
    expect([check(onSourceStep), validatorValid(onSourceStep).valid]).toEqual([true, false]);
    // And over the generated records, the loose schema is caught too.
    const records = fc.sample(mutatedRecord as fc.Arbitrary<unknown>, { numRuns: 500, seed: SEED }).map((r) => JSON.parse(serialize(r)) as unknown);
    expect(records.filter((v) => check(v) !== validatorValid(v).valid).length).toBeGreaterThan(0);
  });
});
