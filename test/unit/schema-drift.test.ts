import fs from 'node:fs';
import path from 'node:path';
import { printGatewaySchema } from '../../src/graphql/schema';

describe('schema/schema.graphql', () => {
  it('is exactly what the code emits (run `npx delivery-overview schema` after changing types)', () => {
    const committed = fs.readFileSync(path.resolve(__dirname, '../../schema/schema.graphql'), 'utf8');
    expect(committed).toBe(printGatewaySchema());
  });
});
