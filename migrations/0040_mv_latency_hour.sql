-- Feeds latency_hour straight from delivery_events, (not from the minute table), so each
-- tier deduplicates a retried insert on its own.
-- The bucket formula is the one src/domain/latency-buckets.ts reads back (tested against it).
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.latency_hour_mv TO {{db}}.latency_hour AS
SELECT
    toStartOfHour(time) AS hour,
    workspace_id, destination_id, step, source_id, mapping_id,
    toUInt16(if(assumeNotNull(latency_ms) = 0, 1, 2 + floor(log(assumeNotNull(latency_ms)) / log(1.05)))) AS latency_bucket,
    sum(count) AS events,
    count() AS reports
FROM {{db}}.delivery_events
WHERE step IN ('delivered', 'failed_delivery') AND latency_ms IS NOT NULL
GROUP BY hour, workspace_id, destination_id, step, source_id, mapping_id, latency_bucket
