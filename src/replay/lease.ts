import type { Db } from '../clickhouse/client';

/**
 * Leases on replays, so that one sender at a time pushes a job however many replicas run one.
 * A sender claims by writing a row and reading back the earliest live claim (claimed_at, then
 * claimant); it renews between batches; a lease not renewed for `leaseMs` is dead, and the job
 * goes to whoever claims next. At-least-once holds across a handover: the new owner resends
 * every batch not acknowledged, with the same webhook-id.
 */
export class ReplayLeases {
  private readonly claimedAt = new Map<string, number>();
  private lastVersion = 0;

  constructor(
    private readonly db: Db,
    readonly claimant: string,
    readonly leaseMs: number,
  ) {}

  private get table(): string {
    return `${this.db.database}.replay_leases`;
  }

  /** True when this claimant holds (or now takes) the job. */
  async claim(replayId: string): Promise<boolean> {
    const owner = await this.owner(replayId);
    if (owner !== null && owner !== this.claimant) return false;
    const claimedAt = owner === this.claimant ? (this.claimedAt.get(replayId) ?? Date.now()) : Date.now();
    this.claimedAt.set(replayId, claimedAt);
    await this.write(replayId, claimedAt);
    return (await this.owner(replayId)) === this.claimant;
  }

  /** Renews a held lease; false when another sender has the job now (this one must stop). */
  async renew(replayId: string): Promise<boolean> {
    const claimedAt = this.claimedAt.get(replayId);
    if (claimedAt === undefined) return false;
    await this.write(replayId, claimedAt);
    return (await this.owner(replayId)) === this.claimant;
  }

  /** Gives the job up at once (a clean stop), so the next sender need not wait for the lease to run out. */
  async release(replayId: string): Promise<void> {
    const claimedAt = this.claimedAt.get(replayId);
    if (claimedAt === undefined) return;
    this.claimedAt.delete(replayId);
    await this.write(replayId, claimedAt, true);
  }

  private async owner(replayId: string): Promise<string | null> {
    const rows = await this.db.query<{ owner: string; live: number }>({
      family: 'replay_leases',
      sql: `SELECT argMin(claimant, (claimed_at, claimant)) AS owner, count() AS live FROM ${this.table} FINAL
            WHERE replay_id = {id:String} AND heartbeat_at > now64(3) - toIntervalMillisecond({lease:UInt32})`,
      params: { id: replayId, lease: this.leaseMs },
    });
    return rows[0] && Number(rows[0].live) > 0 ? rows[0].owner : null;
  }

  /** A lease row; the heartbeat is the engine's clock (what `owner` compares with), or 0 to release. */
  private async write(replayId: string, claimedAt: number, release = false): Promise<void> {
    this.lastVersion = Math.max(this.lastVersion + 1, Date.now() * 1000);
    await this.db.command({
      family: 'replay_leases',
      sql: `INSERT INTO ${this.table} (replay_id, claimant, claimed_at, heartbeat_at, version)
            VALUES ({id:String}, {claimant:String}, fromUnixTimestamp64Milli({claimed:Int64}, 'UTC'), if({release:Bool}, fromUnixTimestamp64Milli(0, 'UTC'), now64(3)), {version:UInt64})`,
      params: { id: replayId, claimant: this.claimant, claimed: claimedAt, release, version: this.lastVersion },
      settings: { distributed_foreground_insert: 1 },
    });
  }
}
