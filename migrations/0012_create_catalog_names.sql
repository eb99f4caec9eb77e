-- Display names for catalog entities, set through the API; the newest version wins.
CREATE TABLE IF NOT EXISTS {{db}}.catalog_names
(
    workspace_id LowCardinality(String),
    entity       LowCardinality(String),
    id           String,
    name         String,
    version      UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace_id, entity, id)
