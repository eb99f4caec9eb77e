-- Each workspace's replay endpoint, set by an admin: the URL and the Standard Webhooks signing
-- secret, both sealed (AES-256-GCM, SECRETS_KEY) because the URL may carry a credential and the
-- secret signs every batch. After a rotation the previous secret keeps signing, beside the new
-- one, until previous_until, so receivers can switch without losing a batch. No TTL:
-- configuration stays until replaced (readers take the newest version).
CREATE TABLE IF NOT EXISTS {{db}}.replay_endpoints
(
    workspace_id    LowCardinality(String),
    url             String,
    secret          String,
    previous_secret String,
    previous_until  DateTime64(3, 'UTC'),
    secret_set_at   DateTime64(3, 'UTC'),
    updated_by      String,
    updated_at      DateTime64(3, 'UTC'),
    version         UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY workspace_id
