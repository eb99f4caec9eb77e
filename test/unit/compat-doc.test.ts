import fs from 'node:fs';
import path from 'node:path';
import { COMPAT_ENDPOINTS } from '../../src/compat/segment/endpoints';

/**
 * docs/compat-segment.md against the SDK the tests install and the endpoints the gateway serves
 * (issue 23 item 12: the page said later SDK versions add a linked-audience endpoint; the SDK
 * had one from June to November 2024 only, and its six Delivery Overview endpoints are unchanged).
 */
const ROOT = path.resolve(__dirname, '../..');
const doc = fs.readFileSync(path.join(ROOT, 'docs/compat-segment.md'), 'utf8');
const sdkPaths = [
  ...new Set(
    fs
      .readFileSync(path.join(ROOT, 'node_modules/@segment/public-api-sdk-typescript/dist/api/deliveryOverviewApi.js'), 'utf8')
      .match(/\/delivery-overview\/[a-z/-]+/g) ?? [],
  ),
].sort();

describe('docs/compat-segment.md', () => {
  it('the installed SDK calls exactly the six endpoints the gateway serves, and the page names each', () => {
    expect(sdkPaths).toEqual(
      Object.keys(COMPAT_ENDPOINTS)
        .map((e) => `/delivery-overview/${e}`)
        .sort(),
    );
    for (const endpoint of Object.keys(COMPAT_ENDPOINTS)) expect([endpoint, doc.includes(endpoint)]).toEqual([endpoint, true]);
  });

  it('says the linked-audience endpoint came and went in 2024, not that later versions add it', () => {
    const flat = doc.replace(/\s+/g, ' ');
    expect(flat).not.toMatch(/later versions[^.]*add[^.]*linked-audience/i);
    expect(flat).toMatch(/linked-audience[^.]*`\/delivery-overview\/audience\/success`[^.]*June 2024[^.]*November 2024/);
    expect(flat).toMatch(/six[^.]*stayed the same through its 2026 releases/);
  });
});
