-- Claims on alert transitions, so two evaluators (gateway replicas) never notify twice.
-- claim_key is the transition's idempotency key `<rule>:<previous state since>:<new state>`;
-- each evaluator that wants the transition inserts a row and reads back the earliest claim
-- (claimed_at, then claimant): the first claim wins, the others do nothing. `attempt` moves
-- on only when a winner never completed its transition within the lease.
-- Deliberately no insert deduplication: every claimant's row must land.
-- Kept 7 days: a claim matters only until its winner moves the rule's state on.
CREATE TABLE IF NOT EXISTS {{db}}.alert_claims
(
    claim_key  String,
    attempt    UInt32,
    claimant   String,
    claimed_at DateTime64(6, 'UTC')
)
ENGINE = MergeTree
ORDER BY (claim_key, attempt, claimed_at)
TTL toDateTime(claimed_at) + INTERVAL 7 DAY
