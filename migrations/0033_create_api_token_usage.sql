-- When each API token was last used. A replica records every successful authentication in
-- memory and writes what it collected once a minute, one row per token used in that minute
-- (src/auth/token-usage.ts); the newest row per token wins, and readers take max() anyway, so
-- replicas never need to agree. No TTL: one small row per token remains after merges, like
-- api_tokens itself.
CREATE TABLE IF NOT EXISTS {{db}}.api_token_usage
(
    token_id     String,
    last_used_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(last_used_at)
ORDER BY token_id
