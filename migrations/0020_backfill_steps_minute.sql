-- Fills steps_minute from the events_minute rows that existed before this migration. It runs
-- only while steps_minute is empty (so a repeated run adds nothing) and before its
-- materialized view exists (next migration). Single node: start-up runs it before serving.
-- Cluster: run `delivery-overview migrate` with ingest paused.
INSERT INTO {{db}}.steps_minute
SELECT minute, workspace_id, step, destination_id, source_id, mapping_id, reason, sum(events) AS events, sum(reports) AS reports
FROM {{db}}.events_minute
WHERE (SELECT count() FROM {{db}}.steps_minute) = 0
GROUP BY minute, workspace_id, step, destination_id, source_id, mapping_id, reason
