import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { pool } from '../fuzz/fuzz-helpers';
import { mutatedRecord, serialize, validRecord } from '../fuzz/ingest.bodies';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * GET /openapi.json: served without a token, a valid OpenAPI 3.1 document (checked by an
 * OpenAPI schema validator), stating the configured limits; and its record schema agrees with
 * the running gateway's answers to generated records, each posted as a batch of one.
 */
const ROOT = path.resolve(__dirname, '../..');
const VALIDATOR = path.join(ROOT, 'node_modules/@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
/** Refusals the schema describes but cannot state: the time window and a sync's order. */
const UNSTATED = /older than the|too far in the future|must not be before startedAt/;

let t: TestGateway;
let token: string;
let doc: Record<string, any>;

beforeAll(async () => {
  t = await startTestGateway('openapi', { INGEST_MAX_RECORDS: '5000' });
  token = await t.token('ws_openapi', ['ingest']);
  const res = await fetch(`${t.url}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await res.json()) as Record<string, any>;
});
afterAll(async () => t?.close());

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document of POST /v1/ingest', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(['/v1/ingest']);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'do-openapi-')), 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const run = spawnSync(process.execPath, [VALIDATOR, file], { encoding: 'utf8' });
    expect(JSON.parse(run.stdout)).toEqual({ valid: true });
  });

  it('the validator catches a broken document', () => {
    const broken = structuredClone(doc);
    delete broken.paths['/v1/ingest'].post.responses;
    broken.paths['/v1/ingest'].post.requestBody.content['application/json'].description = 'not allowed here';
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'do-openapi-')), 'broken.json');
    fs.writeFileSync(file, JSON.stringify(broken));
    expect(JSON.parse(spawnSync(process.execPath, [VALIDATOR, file], { encoding: 'utf8' }).stdout).valid).toBe(false);
  });

  it('states the limits this gateway was configured with', () => {
    expect(doc.components.schemas.Batch.oneOf[0].maxItems).toBe(5000);
  });
});

describe('the record schema and the running gateway agree', () => {
  it('on generated records, each posted as a batch of one', async () => {
    // Not strict: the document's `components` wraps the schemas, which ajv does not know as a keyword.
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'https://gateway/openapi.json', components: doc.components });
    const validate = ajv.compile({ $ref: 'https://gateway/openapi.json#/components/schemas/Record' });
    const records = [...fc.sample(validRecord, { numRuns: 60, seed: 7 }), ...fc.sample(mutatedRecord, { numRuns: 240, seed: 7 })];
    const verdicts = await pool(records, 4, async (r) => {
      const body = `[${serialize(r)}]`;
      const res = await fetch(`${t.url}/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      const answer = (await res.json()) as { error?: { errors?: { reason: string }[]; limit?: string } };
      return { body, status: res.status, answer, schema: validate(JSON.parse(serialize(r))) };
    });
    const disagree = verdicts.filter((v) => {
      if (v.status === 200) return !v.schema;
      if (v.status !== 400) return true;
      const reasons = (v.answer.error?.errors ?? []).map((e) => e.reason);
      const onlyUnstated = reasons.length > 0 && reasons.every((reason) => UNSTATED.test(reason));
      return v.schema && !onlyUnstated;
    });
    expect(disagree.map((d) => ({ body: d.body.slice(0, 300), status: d.status, answer: JSON.stringify(d.answer).slice(0, 300), schema: d.schema }))).toEqual(
      [],
    );
    expect(verdicts.filter((v) => v.status === 200).length).toBeGreaterThan(30);
    expect(verdicts.filter((v) => v.status === 400).length).toBeGreaterThan(100);
  });
});
