/**
 * Results of a lookup shared for a few seconds between the callers asking for the same
 * key: a dashboard opening 1,000 live widgets on 10 destinations costs 10 catalog reads,
 * not 1,000. Failed lookups are forgotten at once; the map is cleared when it grows past
 * `maxEntries` (it only ever holds a few seconds' worth of keys).
 */
export class SharedLookups<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && now - hit.at <= this.ttlMs) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const entry = { at: now, value: load() };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }
}
