/**
 * GraphQL over HTTP with plain-string typed documents (no graphql library in the bundle).
 * Every failure becomes an ApiError whose message is written for people: the gateway's raw
 * GraphQL errors are never shown.
 */
import type { TypedDocumentString } from '../gql/graphql';
import { auth, reportAuthProblem } from './token';
import { ApiError, errorFromBody, type GraphQLErrorBody } from './errors';

export { ApiError } from './errors';

/** A request slower than this is abandoned and offered for retry. */
const TIMEOUT_MS = 20_000;

export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  signal?: AbortSignal,
): Promise<TResult> {
  const token = auth.get().token;
  if (!token) throw new ApiError('auth', 'Sign in with a token to see this workspace.');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort('timeout'), TIMEOUT_MS);
  const onAbort = () => controller.abort('cancelled');
  signal?.addEventListener('abort', onAbort);
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: controller.signal,
      credentials: 'omit',
    });
  } catch {
    if (controller.signal.reason === 'timeout') throw new ApiError('timeout', 'The gateway took too long to answer.');
    if (signal?.aborted) throw new ApiError('network', 'cancelled');
    throw new ApiError('network', 'The gateway could not be reached.');
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  let body: { data?: TResult | null; errors?: GraphQLErrorBody[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiError('server', 'The gateway answered with something other than GraphQL.');
  }
  if (!res.ok || body.errors?.length || !body.data) {
    const error = errorFromBody(res.status, body.errors, res.headers.get('retry-after'));
    // A token that cannot read signs the reader out; one that only lacks admin (alert rules) or replay
    // is told so where it tried.
    if (error.kind === 'auth' && error.requiredScope !== 'admin' && error.requiredScope !== 'replay') reportAuthProblem(error.message);
    throw error;
  }
  return body.data;
}
