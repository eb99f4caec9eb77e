/** How hard a notifier tries: attempts, exponential backoff, and a timeout per attempt. */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** Delay before the 2nd attempt; each later delay doubles (base × 2^(n−1)), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs?: number;
  /** Each attempt is abandoned after this long. */
  timeoutMs: number;
}

/** A failed attempt: whether trying again could help, and the HTTP status when there was one. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly statusCode: number | null = null,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  statusCode: number | null;
  lastError: string | null;
}

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs ?? 300_000);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `send` until it succeeds, fails permanently, or runs out of attempts, waiting
 * base × 2^(n−1) between attempts. `onRetry` sees every failure that will be retried
 * (to record progress); `signal` (shutdown) stops waiting and ends as a failure.
 */
export async function withRetries(
  policy: RetryPolicy,
  signal: AbortSignal,
  send: (attempt: number) => Promise<{ statusCode: number | null }>,
  onRetry?: (attempt: number, err: DeliveryError) => Promise<void>,
): Promise<DeliveryResult> {
  let last: DeliveryError | null = null;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (signal.aborted)
      return { ok: false, attempts: attempt - 1, statusCode: last?.statusCode ?? null, lastError: 'the gateway shut down before delivery finished' };
    try {
      const { statusCode } = await send(attempt);
      return { ok: true, attempts: attempt, statusCode, lastError: null };
    } catch (err) {
      last = err instanceof DeliveryError ? err : new DeliveryError(err instanceof Error ? err.message : String(err), true);
      if (!last.retryable || attempt === policy.attempts) return { ok: false, attempts: attempt, statusCode: last.statusCode, lastError: last.message };
      await onRetry?.(attempt, last);
      await sleep(backoffDelay(policy, attempt), signal);
    }
  }
  return { ok: false, attempts: policy.attempts, statusCode: last?.statusCode ?? null, lastError: last?.message ?? 'no attempt made' };
}

/** A network failure in words, without addresses (e.g. "connection refused (ECONNREFUSED)"). */
export function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  const code = e?.cause?.code ?? e?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host lookup failed',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_SOCKET: 'connection closed by the peer',
    UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  };
  if (code) return `${words[code] ?? 'network error'} (${code})`;
  return 'network error';
}
