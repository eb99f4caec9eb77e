-- Feeds outcomes_minute straight from delivery_events, like steps_minute_mv. Nothing to backfill: no
-- row stored before migration 0035 has an attempt or a latency.
-- The bucket formula is the one src/domain/latency-buckets.ts reads back (tested against it).
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.outcomes_minute_mv TO {{db}}.outcomes_minute AS
SELECT
    toStartOfMinute(time) AS minute,
    workspace_id, destination_id, step, source_id, mapping_id,
    toUInt16(multiIf(latency_ms IS NULL, 0, latency_ms = 0, 1, 2 + floor(log(assumeNotNull(latency_ms)) / log(1.05)))) AS latency_bucket,
    sum(count) AS events,
    count() AS reports,
    sumIf(count, attempt = 1) AS first_attempt,
    sumIf(count, attempt > 1) AS retried
FROM {{db}}.delivery_events
WHERE step IN ('delivered', 'failed_delivery')
GROUP BY minute, workspace_id, destination_id, step, source_id, mapping_id, latency_bucket
