CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.retry_pending_mv TO {{db}}.retry_pending AS
SELECT
    workspace_id, destination_id, mapping_id,
    sumIf(toInt64(count), step = 'retry_enqueued') - sumIf(toInt64(count), step = 'retry_resolved') AS pending
FROM {{db}}.delivery_events
WHERE step IN ('retry_enqueued', 'retry_resolved')
GROUP BY workspace_id, destination_id, mapping_id
