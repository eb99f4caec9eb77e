import { badInput } from '../../domain/errors';

/** Query parameters a request may carry at most (a URL is at most the 16 KiB header limit anyway). */
const MAX_PARAMETERS = 500;

/**
 * A query string as the reference API's clients write nested parameters, flattened to a
 * path → values map: brackets (`filter[eventName][0]=a`, what the official TypeScript SDK
 * sends through `qs`), empty brackets (`groupBy[]=a`), dots (`pagination.count=10`, the
 * reference's own documentation) or a repeated plain key (`groupBy=a&groupBy=b`). List
 * indices are dropped (values keep their order); the path is joined with dots.
 */
export function flattenQuery(query: URLSearchParams): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let n = 0;
  for (const [key, value] of query) {
    if (++n > MAX_PARAMETERS) throw badInput(`At most ${MAX_PARAMETERS} query parameters`, { field: 'query' });
    const path = key
      .split(/[[\].]/)
      .filter((segment) => segment !== '' && !/^\d+$/.test(segment))
      .join('.');
    const values = out.get(path) ?? [];
    values.push(value);
    out.set(path, values);
  }
  return out;
}
