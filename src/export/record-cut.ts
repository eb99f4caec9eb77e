const NEWLINE = 0x0a;
const QUOTE = 0x22;
const EMPTY = Buffer.alloc(0);

/**
 * Counts the records of a streamed NDJSON or CSV body (CSV without a header: a newline
 * inside a quoted field does not end a record) and cuts it after
 * `maxRows` rows. Reads ask the engine for one row more than they may send, so a cut
 * means there was more. It also keeps the last row sent, whole, so the caller can say
 * where to continue. Chunks may split records anywhere.
 */
export class RecordCut {
  rows = 0;
  /** A row beyond `maxRows` arrived: the body was cut. */
  truncated = false;
  private inQuote = false;
  /** The bytes of the record in progress that arrived in earlier chunks. */
  private carry: Buffer = EMPTY;
  private last: Buffer = EMPTY;

  constructor(
    private readonly csv: boolean,
    private readonly maxRows: number,
  ) {}

  /** The last complete row sent (without its newline). */
  get lastRow(): Buffer {
    return this.last;
  }

  /** The part of `chunk` to send: everything up to the end of row `maxRows`, nothing after it. */
  take(input: Uint8Array): Buffer {
    const chunk = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (this.truncated) return EMPTY;
    let start = 0; // where the record in progress began in this chunk (0: it may have begun before)
    let ended = -1; // end of the last row completed in this chunk, and where it began
    let endedFrom = 0;
    for (let i = this.nextEnd(chunk, 0); i >= 0; i = this.nextEnd(chunk, i + 1)) {
      if (this.rows === this.maxRows) {
        this.truncated = true;
        this.remember(chunk, ended, endedFrom);
        return chunk.subarray(0, start);
      } else {
        this.rows++;
        ended = i;
        endedFrom = start;
      }
      start = i + 1;
    }
    if (this.rows === this.maxRows && start < chunk.length) {
      // The row after the last one allowed has begun.
      this.truncated = true;
      this.remember(chunk, ended, endedFrom);
      return chunk.subarray(0, start);
    }
    this.remember(chunk, ended, endedFrom);
    this.carry = start === 0 ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk.subarray(start));
    return chunk;
  }

  /** Keeps the last row completed in this chunk (joined with the part carried over when it began earlier). */
  private remember(chunk: Buffer, ended: number, endedFrom: number): void {
    if (ended < 0) return;
    this.last =
      endedFrom === 0 && this.carry.length > 0 ? Buffer.concat([this.carry, chunk.subarray(0, ended)]) : Buffer.from(chunk.subarray(endedFrom, ended));
    if (endedFrom === 0) this.carry = EMPTY;
  }

  /** The index of the next record end at or after `from`, or -1; tracks quotes for CSV. */
  private nextEnd(chunk: Buffer, from: number): number {
    if (!this.csv) return chunk.indexOf(NEWLINE, from);
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === QUOTE) this.inQuote = !this.inQuote;
      else if (b === NEWLINE && !this.inQuote) return i;
    }
    return -1;
  }
}

/** The fields of one CSV record as ClickHouse writes them (quoted with doubled quotes inside, or bare). */
export function csvFields(record: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= record.length) {
    if (record[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = record.indexOf('"', i);
        if (q < 0) return [...out, value + record.slice(i)];
        value += record.slice(i, q);
        if (record[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      i++; // the comma
    } else {
      const comma = record.indexOf(',', i);
      const end = comma < 0 ? record.length : comma;
      out.push(record.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}
