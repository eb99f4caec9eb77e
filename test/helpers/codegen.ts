import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/**
 * Runs GraphQL Code Generator's programmatic API with a codegen config of this repository,
 * writing into `dir` instead of the tree, and returns the generated paths (relative to the
 * root). A separate node process: some codegen plugins are ES modules, which jest's module
 * loader cannot require.
 */
export function generateInto(dir: string, configFile = 'codegen.yml'): string[] {
  const script = `
    const path = require('node:path');
    const fs = require('node:fs');
    const { generate, loadCodegenConfig } = require('@graphql-codegen/cli');
    (async () => {
      const [root, out, configFile] = process.argv.slice(1);
      const { config } = await loadCodegenConfig({ configFilePath: path.join(root, configFile) });
      const outputs = await generate({ ...config, cwd: root, silent: true, verbose: false, watch: false }, false);
      for (const o of outputs) {
        const target = path.join(out, path.relative(root, path.resolve(root, o.filename)));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, o.content);
      }
      process.stdout.write(JSON.stringify(outputs.map((o) => path.relative(root, path.resolve(root, o.filename)))));
    })().catch((err) => { console.error(err); process.exit(1); });`;
  const stdout = execFileSync(process.execPath, ['-e', script, ROOT, dir, configFile], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(stdout) as string[];
}
