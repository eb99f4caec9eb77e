-- Which replica sends a replay: each sender that wants a job writes a lease row and renews it
-- (heartbeat_at) between batches; the job belongs to the earliest claim (claimed_at, then
-- claimant) whose heartbeat is younger than the lease, so two replicas never push one job at
-- once, and a replica that died hands its jobs on when its lease runs out. A sender that
-- stops cleanly writes heartbeat_at = 0, releasing at once. version orders one claimant's rows.
-- Kept 7 days: a lease matters only while its job is sent.
CREATE TABLE IF NOT EXISTS {{db}}.replay_leases
(
    replay_id    String,
    claimant     String,
    claimed_at   DateTime64(3, 'UTC'),
    heartbeat_at DateTime64(3, 'UTC'),
    version      UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (replay_id, claimant)
TTL toDateTime(claimed_at) + INTERVAL 7 DAY
