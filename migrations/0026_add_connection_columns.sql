-- The fields Reverse ETL and audience reports carry (docs/ingest.md): the sync run and the
-- record's operation (added | updated | removed), or the audience, its space and the membership
-- change (entered | exited, also in `operation`). Streaming reports leave them empty, so rows
-- stored before this migration read as empty too: no existing row is rewritten.
ALTER TABLE {{db}}.delivery_events
    ADD COLUMN IF NOT EXISTS sync_id     String DEFAULT '' AFTER message_id,
    ADD COLUMN IF NOT EXISTS operation   LowCardinality(String) DEFAULT '' AFTER sync_id,
    ADD COLUMN IF NOT EXISTS audience_id LowCardinality(String) DEFAULT '' AFTER operation,
    ADD COLUMN IF NOT EXISTS space_id    LowCardinality(String) DEFAULT '' AFTER audience_id
