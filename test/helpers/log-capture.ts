import { Writable } from 'node:stream';

/** Every JSON line a logger writes to `stream`, kept in `lines` (tests read and clear it). */
export function captureLogLines(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(line);
      done();
    },
  });
  return { lines, stream };
}
