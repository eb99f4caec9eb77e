/**
 * GraphQL over HTTP with plain-string typed documents (no graphql library in the bundle).
 * Every failure becomes an ApiError whose message is written for people: the gateway's raw
 * GraphQL errors are never shown.
 */
import type { TypedDocumentString } from '../gql/graphql';
import { auth, reportAuthProblem } from './token';

export type ApiErrorKind = 'auth' | 'rate' | 'timeout' | 'network' | 'invalid' | 'server';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    /** For 'rate': seconds until a retry may succeed. */
    readonly retryAfterSeconds?: number,
    /** For 'auth' on a 403: the scope the token lacks. */
    readonly requiredScope?: string,
  ) {
    super(message);
  }
}

/** A request slower than this is abandoned and offered for retry. */
const TIMEOUT_MS = 20_000;

interface GraphQLErrorBody {
  message?: string;
  extensions?: { code?: string; required?: string; retryAfterSeconds?: number };
}

/** What a token without a needed scope is told (the gateway names the scope in `required`). */
function scopeMessage(required: string | undefined): string {
  return required ? `This token lacks the "${required}" scope, which this view needs.` : 'This token may not read this workspace; use a workspace token with the read scope.';
}

export function errorFromBody(status: number, errors: GraphQLErrorBody[] | undefined, retryAfterHeader: string | null): ApiError {
  const first = errors?.[0]?.extensions ?? {};
  const code = first.code;
  if (status === 401 || code === 'UNAUTHENTICATED') return new ApiError('auth', 'The gateway did not accept this token: it is unknown, revoked or mistyped.');
  if (status === 403 || code === 'FORBIDDEN') return new ApiError('auth', scopeMessage(first.required), undefined, first.required);
  if (status === 429 || code === 'RATE_LIMITED') {
    const seconds = Math.max(1, Math.ceil(Number(first.retryAfterSeconds ?? retryAfterHeader ?? 1)));
    return new ApiError('rate', 'Too many requests for this workspace.', seconds);
  }
  if (code === 'QUERY_TIMEOUT' || status === 504) return new ApiError('timeout', 'The gateway took too long to answer.');
  if (code === 'TIME_RANGE_INVALID') return new ApiError('invalid', 'That time range is not available: pick a range inside the last 14 days.');
  if (code === 'BAD_USER_INPUT' || code === 'QUERY_TOO_COMPLEX') return new ApiError('invalid', 'The gateway refused this request; try a shorter range or fewer filters.');
  return new ApiError('server', 'The gateway could not answer right now.');
}

export async function request<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables, signal?: AbortSignal): Promise<TResult> {
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
    // A token that cannot read signs the reader out; one that only lacks admin (alert rules)
    // is told so where it tried.
    if (error.kind === 'auth' && error.requiredScope !== 'admin') reportAuthProblem(error.message);
    throw error;
  }
  return body.data;
}
