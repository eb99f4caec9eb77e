/**
 * Runs tasks one at a time per key, in arrival order (tasks of other keys run freely).
 * For read-then-write sequences that must not interleave within one process; across
 * processes the callers add their own check (see their comments).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a task running or waiting (tests check nothing is left behind). */
  get size(): number {
    return this.tails.size;
  }
}
