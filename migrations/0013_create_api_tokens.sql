-- API tokens, stored as SHA-256 hashes only. Revocation writes a newer version.
-- scopes: read | ingest | admin | root. The root token has an empty workspace.
CREATE TABLE IF NOT EXISTS {{db}}.api_tokens
(
    token_hash   String,
    token_id     String,
    workspace_id String,
    scopes       Array(LowCardinality(String)),
    label        String,
    created_at   DateTime64(3, 'UTC'),
    revoked      UInt8,
    version      UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY token_hash
