import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, generateInto } from '../helpers/codegen';

describe('codegen.yml output (test/generated)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-codegen-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is exactly what GraphQL Code Generator produces (run `npm run codegen` after changing the schema or test/operations)', () => {
    const files = generateInto(dir);
    expect(files).toEqual(['test/generated/operations.ts']);
    for (const file of files) {
      const committedPath = path.join(ROOT, file);
      const committed = fs.existsSync(committedPath) ? fs.readFileSync(committedPath, 'utf8') : '(missing)';
      expect({ file, content: committed }).toEqual({ file, content: fs.readFileSync(path.join(dir, file), 'utf8') });
    }
  });

  it('covers every operation under test/operations', () => {
    const operations = fs.readdirSync(path.join(ROOT, 'test/operations')).filter((f) => f.endsWith('.graphql'));
    expect(operations).toEqual(expect.arrayContaining(['breakdown.graphql', 'destinations.graphql', 'discards.graphql', 'pipeline.graphql']));
    const generated = fs.readFileSync(path.join(ROOT, 'test/generated/operations.ts'), 'utf8');
    for (const name of ['Pipeline', 'Breakdown', 'Discards', 'Destinations']) expect(generated).toContain(`export const ${name}Document`);
  });
});
