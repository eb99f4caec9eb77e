-- The catalog is discovered from ingested reports: sources, destinations (with kind),
-- Actions mappings and source->destination connections, each with first and last sighting.
-- No TTL: a destination that went quiet is still listed, with its last_seen.
CREATE TABLE IF NOT EXISTS {{db}}.catalog_entities
(
    workspace_id   LowCardinality(String),
    entity         LowCardinality(String),
    id             String,
    parent_id      String,
    kind           SimpleAggregateFunction(anyLast, LowCardinality(String)),
    first_seen     SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen      SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (workspace_id, entity, parent_id, id)
