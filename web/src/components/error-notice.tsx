import { useEffect, useState } from 'react';
import type { ApiError } from '../api/client';

/**
 * What a failed request tells the reader: a countdown and an automatic retry after a rate
 * limit, a retry button otherwise. Sign-in problems are shown by the sign-in panel instead.
 */
export function ErrorNotice({ error, retry }: { error: ApiError; retry: () => void }) {
  const [left, setLeft] = useState(error.retryAfterSeconds ?? 0);
  useEffect(() => {
    if (error.kind !== 'rate') return;
    setLeft(error.retryAfterSeconds ?? 1);
    const timer = setInterval(() => setLeft((n) => n - 1), 1000);
    return () => clearInterval(timer);
  }, [error]);
  useEffect(() => {
    if (error.kind === 'rate' && left <= 0) retry();
  }, [error, left, retry]);
  if (error.kind === 'auth') return null;
  if (error.kind === 'rate') {
    return (
      <div className="notice notice-warn" role="status">
        <strong>Slow down.</strong> The gateway is limiting requests for this workspace; retrying in {Math.max(left, 0)} s.
      </div>
    );
  }
  return (
    <div className="notice notice-error" role="alert">
      <span>
        <strong>{error.kind === 'timeout' ? 'Timed out.' : error.kind === 'invalid' ? 'Not available.' : 'Something went wrong.'}</strong> {error.message}
      </span>
      {error.kind !== 'invalid' && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}
