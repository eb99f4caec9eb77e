-- entity: 'source' (id = source), 'destination' (id = destination, kind set),
-- 'mapping' (parent = destination, id = mapping), 'connection' (parent = destination, id = source).
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.catalog_entities_mv TO {{db}}.catalog_entities AS
SELECT workspace_id, e.1 AS entity, e.2 AS id, e.3 AS parent_id,
       anyLast(if(e.1 = 'destination', destination_kind, '')) AS kind,
       min(time) AS first_seen, max(time) AS last_seen
FROM {{db}}.delivery_events
ARRAY JOIN arrayFilter(x -> x.2 != '', [
    ('source', source_id, ''),
    ('destination', destination_id, ''),
    ('mapping', mapping_id, destination_id),
    ('connection', if(destination_id = '', '', source_id), destination_id)
]) AS e
GROUP BY workspace_id, entity, id, parent_id
