/**
 * Requests sent by the boot module before React is even evaluated, handed to the first
 * useQuery that asks for the same document, token and variables (once).
 */
import type { TypedDocumentString } from '../gql/graphql';
import { request } from './client';
import { auth } from './token';

const early = new Map<string, Promise<unknown>>();

export function queryKey(variables: unknown): string {
  return `${auth.get().token}\u0000${JSON.stringify(variables)}`;
}

export function prefetch<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables): void {
  if (!auth.get().token) return;
  const answer = request(document, variables);
  answer.catch(() => undefined); // the view that takes it reports the error
  early.set(`${document.toString()}\u0001${queryKey(variables)}`, answer);
}

export function takePrefetched<TResult>(document: TypedDocumentString<TResult, never> | { toString(): string }, key: string): Promise<TResult> | undefined {
  const id = `${document.toString()}\u0001${key}`;
  const answer = early.get(id);
  early.delete(id);
  return answer as Promise<TResult> | undefined;
}
