-- Fills steps_day from the steps_hour rows that existed before this migration (steps_hour holds
-- every hour since its own backfill from events_hour). It runs only while steps_day is empty
-- (so a repeated run adds nothing) and before its materialized view exists (next migration).
-- Single node: start-up runs it before serving. Cluster: run `delivery-overview migrate` with
-- ingest paused.
INSERT INTO {{db}}.steps_day
SELECT toStartOfDay(hour, 'UTC') AS day, workspace_id, step, destination_id, source_id, mapping_id, reason, sum(events) AS events, sum(reports) AS reports
FROM {{db}}.steps_hour
WHERE (SELECT count() FROM {{db}}.steps_day) = 0
GROUP BY day, workspace_id, step, destination_id, source_id, mapping_id, reason
