import { useCallback, useEffect, useState } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { ApiError, request } from './client';
import { useStore } from './store';
import { queryKey, takePrefetched } from './prefetch';
import { auth } from './token';

export interface QueryState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Run the request again (the retry button, or the countdown after a 429). */
  retry(): void;
}

/**
 * One GraphQL request per distinct (document, variables); `null` variables skip it. A new
 * key drops the old answer so views show their skeletons instead of stale numbers.
 */
export function useQuery<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables | null): QueryState<TResult> {
  // Another token may see another workspace: its answers are never reused.
  useStore(auth);
  const key = variables === null ? null : queryKey(variables);
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<{ key: string | null; data?: TResult; error?: ApiError }>({ key: null });
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setState((s) => (s.key === key ? { key, data: s.data } : { key }));
    const answer =
      takePrefetched<TResult>(document, key) ?? request(document, JSON.parse(key.slice(key.indexOf('\u0000') + 1)) as TVariables, controller.signal);
    answer.then(
      (data) => !controller.signal.aborted && setState({ key, data }),
      (error: ApiError) => !controller.signal.aborted && setState({ key, error }),
    );
    return () => controller.abort();
  }, [document, key, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: key !== null && (!current || (!state.data && !state.error)),
    retry,
  };
}
