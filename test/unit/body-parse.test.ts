import { parseBody } from '../../src/ingest/body.parse';

/**
 * Security review, item 8: structure is checked in one linear pass before JSON.parse, so
 * a bomb (deep nesting, millions of elements) never reaches the parser that would block
 * the event loop on it.
 */
describe('parseBody refuses bombs before JSON.parse sees them', () => {
  const limits = { maxRecords: 10_000, maxRecordBytes: 64 * 1024 };
  let parse: jest.SpyInstance;
  beforeEach(() => {
    parse = jest.spyOn(JSON, 'parse');
  });
  afterEach(() => parse.mockRestore());

  it('a JSON body nested 10 MiB deep: 400 maxDepth, never parsed', () => {
    expect(() => parseBody(Buffer.from('['.repeat(10 * 1024 * 1024)), 'application/json', limits)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: expect.objectContaining({ limit: 'maxDepth' }) }),
    );
    expect(parse).not.toHaveBeenCalled();
  });

  it('a JSON array of 3.4 million elements: 413 maxRecords, never parsed', () => {
    expect(() => parseBody(Buffer.from(`[${'0,'.repeat(3_400_000)}0]`), 'application/json', limits)).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE', details: expect.objectContaining({ limit: 'maxRecords' }) }),
    );
    expect(parse).not.toHaveBeenCalled();
  });

  it('an NDJSON line nested 60,000 deep: 400 naming the record, that line never parsed', () => {
    const body = Buffer.from(`{"step":"received"}\n${'['.repeat(60_000)}\n`);
    expect(() => parseBody(body, 'application/x-ndjson', limits)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: expect.objectContaining({ limit: 'maxDepth', index: 1, line: 2 }) }),
    );
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('ordinary bodies still parse', () => {
    expect(parseBody(Buffer.from('[{"a":[{"b":1}]}, 2]'), 'application/json', limits)).toEqual([{ a: [{ b: 1 }] }, 2]);
  });
});
