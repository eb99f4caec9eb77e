/**
 * One key for a tuple of values (a Map or Set key, a lock name): the parts joined by NUL,
 * which no id, key or code the gateway accepts can contain, so two tuples never share a key.
 * Keys are built here and nowhere else, and never split back: keep the parts beside the key.
 */
export function compoundKey(...parts: ReadonlyArray<string | number>): string {
  return parts.join('\u0000');
}
