-- Feeds retl_sync_runs from every Reverse ETL report in delivery_events.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.retl_sync_runs_mv TO {{db}}.retl_sync_runs AS
SELECT
    toStartOfHour(time) AS hour,
    workspace_id, destination_id, sync_id, step, operation, mapping_id, reason,
    min(time) AS started,
    max(time) AS finished,
    sum(toUInt64(count)) AS events,
    count() AS reports
FROM {{db}}.delivery_events
WHERE destination_kind = 'retl'
GROUP BY hour, workspace_id, destination_id, sync_id, step, operation, mapping_id, reason
