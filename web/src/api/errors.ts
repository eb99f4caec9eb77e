/**
 * What a failed GraphQL request means for the reader, from its HTTP status and the gateway's
 * error codes. Pure (no browser APIs), so it is unit-tested under node as well.
 */
export type ApiErrorKind = 'auth' | 'rate' | 'timeout' | 'network' | 'invalid' | 'server';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    /** For 'rate': seconds until a retry may succeed. */
    readonly retryAfterSeconds?: number,
    /** For 'auth' on a 403: the scope the token lacks. */
    readonly requiredScope?: string,
    /** For 'invalid': what was wrong, so a view can offer the way out (a link, the allowed range, the zone list). */
    readonly problem?: InvalidProblem,
  ) {
    super(message);
  }
}

/** What an 'invalid' answer was about: an unknown id (with close ids), the range, or the zone. */
export type InvalidProblem = { kind: 'notFound'; field: string | null; suggestions: string[] } | { kind: 'range' } | { kind: 'zone' } | RequestProblem;

/**
 * A refused request, with what the gateway said about it: the field, and for a replay the limit
 * it ran into (`replayMaxMessages`: `value` the most, `matched` how many matched) or how many
 * messages an active replay already holds. A view turns these into its own words.
 */
export interface RequestProblem {
  kind: 'request';
  field?: string;
  limit?: string;
  value?: number;
  matched?: number;
  inActiveReplay?: number;
}

export interface GraphQLErrorBody {
  message?: string;
  extensions?: {
    code?: string;
    required?: string;
    retryAfterSeconds?: number;
    field?: string;
    suggestions?: string[];
    limit?: string;
    value?: number;
    matched?: number;
    inActiveReplay?: number;
  };
}

/** What a token without a needed scope is told (the gateway names the scope in `required`). */
function scopeMessage(required: string | undefined): string {
  return required
    ? `This token lacks the "${required}" scope, which this view needs.`
    : 'This token may not read this workspace; use a workspace token with the read scope.';
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
  if (code === 'TIME_RANGE_INVALID' && first.field === 'timeZone')
    return new ApiError('invalid', 'The gateway does not know this time zone: pick one from the list.', undefined, undefined, { kind: 'zone' });
  if (code === 'TIME_RANGE_INVALID')
    return new ApiError('invalid', 'That time range is not available: ranges must lie inside the last 14 days and end before now.', undefined, undefined, {
      kind: 'range',
    });
  if (code === 'NOT_FOUND') {
    const problem: InvalidProblem = { kind: 'notFound', field: first.field ?? null, suggestions: first.suggestions ?? [] };
    return new ApiError(
      'invalid',
      'This workspace has nothing with that id: it may belong to another workspace, or it has not reported yet.',
      undefined,
      undefined,
      problem,
    );
  }
  if (code === 'BAD_USER_INPUT' || code === 'QUERY_TOO_COMPLEX') {
    const { field, limit, value, matched, inActiveReplay } = first;
    return new ApiError('invalid', 'The gateway refused this request; try a shorter range or fewer filters.', undefined, undefined, {
      kind: 'request',
      field,
      limit,
      value,
      matched,
      inActiveReplay,
    });
  }
  return new ApiError('server', 'The gateway could not answer right now.');
}
