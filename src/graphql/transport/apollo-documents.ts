import { Kind, type DocumentNode } from 'graphql';

/**
 * What Apollo finds for a text the document phase refused: a document with no operation.
 * Apollo then neither parses nor validates it; the admission plugin answers the refusal at
 * didResolveOperation, Apollo's named place for refusing an operation.
 */
export const REFUSED_DOCUMENT: DocumentNode = Object.freeze({ kind: Kind.DOCUMENT, definitions: [] });

/**
 * Apollo Server's `documentStore`, as a hand-over from the pipeline's document phase.
 * Apollo looks a document up by its text's SHA-256 right after didResolveSource, and parses
 * and validates on its own only when it finds none. The admission plugin runs the document
 * phase (the one DocumentCache) in didResolveSource and holds its outcome here for that
 * lookup, so Apollo always finds one and never checks a document by itself: the checks stay
 * in the pipeline. Entries live from didResolveSource to Apollo's lookup, counted per hash
 * (concurrent requests may send one text); `set` is never needed.
 */
export class AdmittedDocuments {
  private readonly held = new Map<string, { document: DocumentNode; waiting: number }>();

  /** The number of hand-overs not yet taken (0 between requests). */
  get size(): number {
    return this.held.size;
  }

  hold(queryHash: string, document: DocumentNode): void {
    const entry = this.held.get(queryHash);
    if (entry) {
      entry.waiting++;
      entry.document = document;
    } else this.held.set(queryHash, { document, waiting: 1 });
  }

  /** Apollo's lookup; its key is `<schema hash>:<query hash>` for a store it was given. */
  async get(key: string): Promise<DocumentNode | undefined> {
    const queryHash = key.slice(key.lastIndexOf(':') + 1);
    const entry = this.held.get(queryHash);
    if (!entry) return undefined;
    if (--entry.waiting === 0) this.held.delete(queryHash);
    return entry.document;
  }

  /** Apollo stores a document only after parsing it itself, which the hand-over never lets happen. */
  async set(): Promise<void> {}

  async delete(): Promise<boolean> {
    return false;
  }
}
