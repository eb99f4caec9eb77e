import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, generateInto } from '../helpers/codegen';

describe("web/codegen.yml output (web/src/gql, the page's typed documents)", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-web-codegen-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is exactly what the client preset produces (run `npm run codegen:web` after changing the schema or web/src/operations)', () => {
    const files = generateInto(dir, 'web/codegen.yml');
    expect(files.sort()).toEqual(['web/src/gql/gql.ts', 'web/src/gql/graphql.ts', 'web/src/gql/index.ts']);
    for (const file of files) {
      const committedPath = path.join(ROOT, file);
      const committed = fs.existsSync(committedPath) ? fs.readFileSync(committedPath, 'utf8') : '(missing)';
      expect({ file, content: committed }).toEqual({ file, content: fs.readFileSync(path.join(dir, file), 'utf8') });
    }
  });

  it('keeps documents as plain strings, so the page bundles no GraphQL library', () => {
    const generated = fs.readFileSync(path.join(ROOT, 'web/src/gql/graphql.ts'), 'utf8');
    expect(generated).toContain('export const DestinationViewDocument = new TypedDocumentString(');
    expect(generated).not.toMatch(/from ['"]graphql['"]/);
  });
});
