-- Feeds connections_hour straight from delivery_events (not from the minute table), so each
-- tier deduplicates a retried insert on its own.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.connections_hour_mv TO {{db}}.connections_hour AS
SELECT
    toStartOfHour(time) AS hour,
    workspace_id, step, destination_id, source_id, mapping_id, reason, operation, audience_id, space_id,
    sum(count) AS events,
    count() AS reports
FROM {{db}}.delivery_events
WHERE destination_kind IN ('retl', 'audience')
GROUP BY hour, workspace_id, step, destination_id, source_id, mapping_id, reason, operation, audience_id, space_id
