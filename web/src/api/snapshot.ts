/**
 * One snapshot per view: every panel of a view is answered by one GraphQL request, and a new
 * answer replaces the whole view at once. A live change asks again (at most once a second; a
 * change during a request asks once more after it), keeping the shown numbers until the new
 * ones are all there, so nothing flickers and no panel shows another moment than its neighbours.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { ApiError, request } from './client';
import { queryKey, takePrefetched } from './prefetch';
import { useStore } from './store';
import { auth } from './token';

/** A view refreshes at most this often, however often the live values change. */
export const MIN_REFRESH_MS = 1000;

export interface Snapshot<TResult, TVariables> {
  /** The newest complete answer for this identity, or undefined before the first. */
  data: TResult | undefined;
  /** The variables `data` answers (a drill-down may still be on its way). */
  answered: TVariables | undefined;
  /** When the request behind `data` was sent: the moment every panel shows. */
  asOf: Date | null;
  /** A request for this view is on its way. */
  updating: boolean;
  /** The latest request failed (the last good numbers may still be shown, with their time). */
  error: ApiError | undefined;
  retry(): void;
  /** Ask again with the same variables (a live change). */
  refresh(): void;
}

/** What one view's requests share: which answer is newest, when the last left, whether to ask again. */
interface Control {
  identity: string;
  sequence: number;
  committed: number;
  lastSent: number;
  again: boolean;
  timer: ReturnType<typeof setTimeout> | 0;
  running: number;
}

interface Committed<TResult, TVariables> {
  identity: string;
  data?: TResult;
  answered?: TVariables;
  asOf: Date | null;
  error?: ApiError;
}

/**
 * `identity`: what the numbers are about (id, range, zone, mapping, filters); a new identity
 * drops the old answer, so the view shows skeletons instead of another range's numbers.
 * `variables`: what to ask within it; a change (a drill-down) keeps the old answer shown
 * until the new one arrives. `early`: variables whose answer the boot module may have asked
 * for already (the pipeline alone), shown while the full request runs.
 */
export function useSnapshot<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  identity: string | null,
  variables: TVariables | null,
  early?: TVariables,
): Snapshot<TResult, TVariables> {
  useStore(auth);
  const key = variables === null ? null : queryKey(variables);
  const [state, setState] = useState<Committed<TResult, TVariables>>({ identity: '', asOf: null });
  const [inFlight, setInFlight] = useState(0);
  const control = useRef<Control>({ identity: '', sequence: 0, committed: 0, lastSent: 0, again: false, timer: 0, running: 0 });
  const send = useRef<() => void>(() => undefined);
  send.current = () => {
    if (key === null || identity === null) return;
    const asked = JSON.parse(key.slice(key.indexOf('\u0000') + 1)) as TVariables;
    const answer = takePrefetched<TResult>(document, key) ?? request(document, asked);
    const commit = (next: { data?: TResult; asOf?: Date; error?: ApiError }) => {
      const answered = next.data ? { answered: asked } : {};
      setState((s) => (s.identity === identity ? { ...s, ...next, ...answered } : { identity, asOf: null, ...next, ...answered }));
    };
    track(control.current, identity, answer, setInFlight, commit, () => schedule());
  };

  const schedule = useCallback(() => {
    const c = control.current;
    if (c.running > 0) {
      c.again = true;
      return;
    }
    if (c.timer) return;
    const wait = Math.max(0, c.lastSent + MIN_REFRESH_MS - Date.now());
    c.timer = setTimeout(() => {
      c.timer = 0;
      send.current();
    }, wait);
  }, []);

  // A new identity starts over; new variables ask at once, keeping what is shown.
  useEffect(() => {
    if (key === null || identity === null) return;
    const c = control.current;
    if (c.timer) clearTimeout(c.timer);
    c.timer = 0;
    c.again = false;
    c.identity = identity;
    setState((s) => (s.identity === identity ? s : { identity, asOf: null }));
    if (early !== undefined) showEarly(document, early, key, identity, setState);
    send.current();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [document, identity, key]);

  useEffect(
    () => () => {
      const c = control.current;
      if (c.timer) clearTimeout(c.timer);
      c.identity = ''; // answers still on their way are dropped
    },
    [],
  );

  const current = state.identity === identity;
  return {
    data: current ? state.data : undefined,
    answered: current ? state.answered : undefined,
    asOf: current ? state.asOf : null,
    updating: inFlight > 0,
    error: current ? state.error : undefined,
    retry: useCallback(() => send.current(), []),
    refresh: schedule,
  };
}

/** The boot module's early answer (the pipeline alone), shown until the full one arrives. */
function showEarly<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  early: TVariables,
  key: string,
  identity: string,
  setState: (update: (s: Committed<TResult, TVariables>) => Committed<TResult, TVariables>) => void,
): void {
  const earlyKey = queryKey(early);
  const prefetched = earlyKey !== key ? takePrefetched<TResult>(document, earlyKey) : undefined;
  prefetched?.then(
    (data) => setState((s) => (s.identity === identity && s.data === undefined ? { ...s, data, answered: early, asOf: new Date() } : s)),
    () => undefined,
  );
}

/**
 * Follows one request of a view: commits its answer unless a newer one was committed or the view
 * moved on to other numbers, and asks once more after it when a change came in meanwhile.
 */
function track<TResult>(
  c: Control,
  identity: string,
  answer: Promise<TResult>,
  setInFlight: (n: number) => void,
  commit: (next: { data?: TResult; asOf?: Date; error?: ApiError }) => void,
  again: () => void,
): void {
  const sequence = ++c.sequence;
  const sentAt = Date.now();
  c.lastSent = sentAt;
  c.running++;
  setInFlight(c.running);
  const settle = (next: { data?: TResult; asOf?: Date; error?: ApiError }) => {
    c.running--;
    setInFlight(c.running);
    if (sequence < c.committed || identity !== c.identity) return;
    c.committed = sequence;
    commit(next);
    if (c.again && c.running === 0) {
      c.again = false;
      again();
    }
  };
  answer.then(
    (data) => settle({ data, asOf: new Date(sentAt), error: undefined }),
    (error: ApiError) => settle({ error }),
  );
}
