import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Runs GraphQL Code Generator's programmatic API with codegen.yml, writing into a temp
 * directory instead of the tree. A separate node process: some codegen plugins are
 * ES modules, which jest's module loader cannot require.
 */
function generateInto(dir: string): string[] {
  const script = `
    const path = require('node:path');
    const fs = require('node:fs');
    const { generate, loadCodegenConfig } = require('@graphql-codegen/cli');
    (async () => {
      const [root, out] = process.argv.slice(1);
      const { config } = await loadCodegenConfig({ configFilePath: path.join(root, 'codegen.yml') });
      const outputs = await generate({ ...config, cwd: root, silent: true, verbose: false, watch: false }, false);
      for (const o of outputs) {
        const target = path.join(out, path.relative(root, path.resolve(root, o.filename)));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, o.content);
      }
      process.stdout.write(JSON.stringify(outputs.map((o) => path.relative(root, path.resolve(root, o.filename)))));
    })().catch((err) => { console.error(err); process.exit(1); });`;
  const stdout = execFileSync(process.execPath, ['-e', script, ROOT, dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(stdout) as string[];
}

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
