-- Alerts that reach on-call (issue 28): a rule's optional critical threshold (its `threshold`
-- is the warning one), a Slack incoming webhook URL and a PagerDuty routing key (both sealed
-- like webhook_url: the Slack URL's path and the key are credentials), and the time until
-- which its notifications are muted. Existing rules read as before: no critical threshold, no
-- Slack or PagerDuty, not muted. The TTL is the table's (none).
ALTER TABLE {{db}}.alert_rules
    ADD COLUMN IF NOT EXISTS critical_threshold Nullable(Float64) AFTER threshold,
    ADD COLUMN IF NOT EXISTS slack_webhook_url String AFTER webhook_secret,
    ADD COLUMN IF NOT EXISTS pagerduty_routing_key String AFTER slack_webhook_url,
    ADD COLUMN IF NOT EXISTS muted_until Nullable(DateTime64(3, 'UTC')) AFTER emails
