import { RateLimiter } from '../domain/rate-limiter';

/**
 * Failed authentications per client address: each failure takes from the address's
 * bucket, and an address whose bucket is empty is refused (429) before its token is even
 * looked at, so guessing tokens costs the gateway no ClickHouse query past the burst.
 * A successful authentication takes nothing. Memory is bounded by the limiter's key cap.
 */
export class AuthThrottle {
  private readonly failures: RateLimiter;
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    /** Failures per second an address earns back; 0 turns the throttle off. */
    readonly perSecond: number,
    readonly burst: number,
    private readonly maxAddresses = 100_000,
  ) {
    this.failures = new RateLimiter(perSecond, burst, maxAddresses);
  }

  /** Seconds until `client` may try again, or 0 when it may try now. */
  retryAfter(client: string | undefined, now = Date.now()): number {
    if (!client || this.perSecond <= 0) return 0;
    const until = this.blockedUntil.get(client);
    if (until === undefined) return 0;
    if (until <= now) {
      this.blockedUntil.delete(client);
      return 0;
    }
    return Math.ceil((until - now) / 1000);
  }

  /** Counts one failed authentication of `client`. */
  failed(client: string | undefined, now = Date.now()): void {
    if (!client || this.perSecond <= 0) return;
    const decision = this.failures.take(client, 1, now);
    if (decision.ok) return;
    if (this.blockedUntil.size >= this.maxAddresses) this.blockedUntil.clear();
    this.blockedUntil.set(client, now + decision.retryAfterSeconds * 1000);
  }
}
