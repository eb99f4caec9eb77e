/** Bounds of the automatic persisted query store (one per replica). */
export interface PersistedQueryLimits {
  maxEntries: number;
  /** UTF-8 bytes of query text held at most, all entries together. */
  maxBytes: number;
}

export const DEFAULT_PERSISTED_QUERY_LIMITS: PersistedQueryLimits = { maxEntries: 1_000, maxBytes: 4 * 1024 * 1024 };

/**
 * Apollo Server's automatic persisted query cache: query texts by their SHA-256, in memory,
 * bounded by count and by bytes, least recently used dropped first. Apollo writes a text
 * here only after the admission plugin's didResolveOperation passed (caller, document and
 * operation phases all admitted it), so every hash it answers names an admitted document; a
 * dropped hash is answered PERSISTED_QUERY_NOT_FOUND and the client sends the text again.
 * Texts only, no answers: a hash is shared by every workspace that sends the same text.
 */
export class PersistedQueries {
  private readonly texts = new Map<string, { text: string; bytes: number }>();
  private bytes = 0;

  constructor(private readonly limits: PersistedQueryLimits = DEFAULT_PERSISTED_QUERY_LIMITS) {}

  get size(): number {
    return this.texts.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  async get(hash: string): Promise<string | undefined> {
    const entry = this.texts.get(hash);
    if (entry === undefined) return undefined;
    this.texts.delete(hash); // re-insert: Map order is the recency order
    this.texts.set(hash, entry);
    return entry.text;
  }

  async set(hash: string, text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    if (bytes > this.limits.maxBytes) return;
    await this.delete(hash);
    this.texts.set(hash, { text, bytes });
    this.bytes += bytes;
    while (this.texts.size > this.limits.maxEntries || this.bytes > this.limits.maxBytes) {
      const [oldest, dropped] = this.texts.entries().next().value!;
      this.texts.delete(oldest);
      this.bytes -= dropped.bytes;
    }
  }

  async delete(hash: string): Promise<boolean> {
    const entry = this.texts.get(hash);
    if (entry === undefined) return false;
    this.texts.delete(hash);
    this.bytes -= entry.bytes;
    return true;
  }
}
