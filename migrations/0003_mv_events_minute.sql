-- Feeds events_minute from every insert into delivery_events.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.events_minute_mv TO {{db}}.events_minute AS
SELECT
    toStartOfMinute(time) AS minute,
    workspace_id, step, destination_id, source_id, mapping_id, reason,
    event_type, event_name, app_version, enriched,
    sum(count) AS events,
    count() AS reports
FROM {{db}}.delivery_events
GROUP BY minute, workspace_id, step, destination_id, source_id, mapping_id, reason,
         event_type, event_name, app_version, enriched
