import { RateLimiter } from '../domain/rate-limiter';

/**
 * Failed authentications per client address: every lookup an address asks for takes from
 * its bucket first (so a burst sent all at once is bounded too) and a successful one gives
 * it back; an address whose bucket is empty is refused (429) before its token is even
 * looked at, so guessing tokens costs the gateway no ClickHouse query past the burst.
 * Memory is bounded by the limiter's key cap.
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

  /**
   * Takes one attempt from `client`'s bucket before a lookup: false when there is none left
   * (the address is then refused until the bucket refills).
   */
  reserve(client: string | undefined, now = Date.now()): boolean {
    if (!client || this.perSecond <= 0) return true;
    const decision = this.failures.take(client, 1, now);
    if (decision.ok) return true;
    if (this.blockedUntil.size >= this.maxAddresses) this.blockedUntil.clear();
    this.blockedUntil.set(client, now + decision.retryAfterSeconds * 1000);
    return false;
  }

  /** The lookup succeeded: the attempt does not count against the address. */
  succeeded(client: string | undefined): void {
    if (!client || this.perSecond <= 0) return;
    this.failures.refund(client);
  }
}
