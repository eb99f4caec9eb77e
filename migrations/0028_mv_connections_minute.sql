-- Feeds connections_minute straight from delivery_events, like steps_minute_mv; only the two
-- connection kinds' rows. Nothing to backfill: no such row existed before migration 0026.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.connections_minute_mv TO {{db}}.connections_minute AS
SELECT
    toStartOfMinute(time) AS minute,
    workspace_id, step, destination_id, source_id, mapping_id, reason, operation, audience_id, space_id,
    sum(count) AS events,
    count() AS reports
FROM {{db}}.delivery_events
WHERE destination_kind IN ('retl', 'audience')
GROUP BY minute, workspace_id, step, destination_id, source_id, mapping_id, reason, operation, audience_id, space_id
