import { csvFields, RecordCut } from '../../src/export/record-cut';

/** The export's row counter: bodies split at every possible place give the same cut. */
// CSV rows only: the gateway writes the one header line itself.
const CSV = '"m1","t1","a, ""b"""\n"m2","t2","multi\nline"\n"m3","t3",\n"m4","t4","x"\n';
const NDJSON = '{"messageId":"m1","e":"a\\nb"}\n{"messageId":"m2"}\n{"messageId":"m3"}\n{"messageId":"m4"}\n';

function run(body: string, csv: boolean, maxRows: number, splits: number[]): { sent: string; cut: RecordCut } {
  const bytes = Buffer.from(body);
  const cut = new RecordCut(csv, maxRows);
  let sent = '';
  let from = 0;
  for (const at of [...splits, bytes.length]) {
    sent += cut.take(bytes.subarray(from, at)).toString();
    from = at;
  }
  return { sent, cut };
}

describe('RecordCut', () => {
  it.each([
    ['csv', CSV, true, ['"m1","t1","a, ""b"""\n', '"m2","t2","multi\nline"\n', '"m3","t3",\n', '"m4","t4","x"\n']],
    ['ndjson', NDJSON, false, ['{"messageId":"m1","e":"a\\nb"}\n', '{"messageId":"m2"}\n', '{"messageId":"m3"}\n', '{"messageId":"m4"}\n']],
  ] as const)('cuts %s after maxRows rows wherever the chunks split', (_name, body, csv, pieces) => {
    const len = Buffer.byteLength(body);
    for (let maxRows = 1; maxRows <= 4; maxRows++) {
      const expected = pieces.slice(0, maxRows).join('');
      const lastRow = pieces[maxRows - 1].slice(0, -1);
      for (let a = 0; a <= len; a++) {
        for (const b of [a, Math.min(len, a + 1), Math.min(len, a + 7)]) {
          const { sent, cut } = run(body, csv, maxRows, [a, b]);
          expect([maxRows, a, b, sent]).toEqual([maxRows, a, b, expected]);
          expect(cut.rows).toBe(maxRows);
          expect(cut.truncated).toBe(maxRows < 4);
          expect(cut.lastRow.toString()).toBe(lastRow);
        }
      }
    }
  });

  it('sends everything when the body has no more rows than allowed', () => {
    const { sent, cut } = run(NDJSON, false, 10, [5]);
    expect(sent).toBe(NDJSON);
    expect([cut.rows, cut.truncated]).toEqual([4, false]);
  });

  it('reads the fields of a CSV record as ClickHouse writes them', () => {
    expect(csvFields('"m1","2026-01-01T00:00:00.000Z","a, ""b""",,"x"')).toEqual(['m1', '2026-01-01T00:00:00.000Z', 'a, "b"', '', 'x']);
    expect(csvFields('"multi\nline",1')).toEqual(['multi\nline', '1']);
  });
});
