-- Fills steps_hour from the events_hour rows that existed before this migration. It runs
-- only while steps_hour is empty (so a repeated run adds nothing) and before its
-- materialized view exists (next migration). Single node: start-up runs it before serving.
-- Cluster: run `delivery-overview migrate` with ingest paused.
INSERT INTO {{db}}.steps_hour
SELECT hour, workspace_id, step, destination_id, source_id, mapping_id, reason, sum(events) AS events, sum(reports) AS reports
FROM {{db}}.events_hour
WHERE (SELECT count() FROM {{db}}.steps_hour) = 0
GROUP BY hour, workspace_id, step, destination_id, source_id, mapping_id, reason
