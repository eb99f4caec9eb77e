#!/usr/bin/env bash
# Reproduces, deterministically, the crash window `npm run durability` can hit by chance
# (docs/durability.md): the gateway is SIGKILLed at a rename(2) of the engine's part commit
# (the first rename is the saved flush's), right after the engine appended a deduplication-log
# record, i.e. between MergeTreeDeduplicationLog::addPart and the rename of tmp_insert_<part>
# to <part>. The orphan record is counted from the files before anything opens them; the
# restart repairs it and writes the saved flush again, and the retry with the same
# Idempotency-Key is a replay: both days of the batch are in the raw table. (Before the
# repair of 2026-11-25 the retry answered 200 and the raw table lacked one day.)
# Needs: a built dist/ and dist-tools/ (npm run build && npm run build:tools), curl, strace (and ptrace permission). Loopback only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI="$ROOT/dist/cli.js"
D=$(mktemp -d "${TMPDIR:-/tmp}/do-orphan-XXXX")
PORT=${PORT:-45992}
TOKEN_ROOT=repro-root-token-0123456789abcdef
GW=
cleanup() { [ -n "$GW" ] && kill -9 "$GW" 2>/dev/null || true; [ -z "${KEEP:-}" ] && rm -rf "$D"; }
trap cleanup EXIT

start() { # $1: how many "gateway listening" lines to wait for
  DATA_DIR=$D PORT=$PORT ROOT_TOKEN=$TOKEN_ROOT LOG_LEVEL=info node "$CLI" serve >> "$D/serve.log" 2>&1 &
  GW=$!
  for _ in $(seq 1 120); do [ "$(cat "$D/serve.log" 2>/dev/null | grep -c 'gateway listening')" -ge "$1" ] && return; sleep 0.25; done
  echo "gateway did not start" >&2; cat "$D/serve.log" >&2; exit 1
}
post() { # $1: key, $2: file
  curl -s -w ' HTTP %{http_code}\n' -H 'content-type: application/x-ndjson' -H "authorization: Bearer $TOK" \
    -H "idempotency-key: $1" "http://127.0.0.1:$PORT/v1/ingest" --data-binary "@$2" || echo " (no answer: curl exit $?)"
}

start 1
TOK=$(curl -s -H 'content-type: application/json' -H "authorization: Bearer $TOKEN_ROOT" "http://127.0.0.1:$PORT/graphql" \
  -d '{"query":"mutation { createApiToken(workspaceId: \"repro\", scopes: [INGEST]) }"}' | sed -E 's/.*"createApiToken":"([^"]+)".*/\1/')
YESTERDAY=$(date -u -d '-26 hours' +%Y-%m-%dT%H:%M:%S.000Z)
TODAY=$(date -u -d '-30 min' +%Y-%m-%dT%H:%M:%S.000Z)
echo "{\"timestamp\":\"$TODAY\",\"sourceId\":\"s\",\"step\":\"received\",\"count\":1,\"messageId\":\"warm\"}" > "$D/warm.ndjson"
: > "$D/batch.ndjson"
for i in $(seq 1 10); do echo "{\"timestamp\":\"$YESTERDAY\",\"sourceId\":\"s\",\"step\":\"received\",\"count\":1,\"messageId\":\"yesterday-$i\"}" >> "$D/batch.ndjson"; done
for i in $(seq 1 10); do echo "{\"timestamp\":\"$TODAY\",\"sourceId\":\"s\",\"step\":\"received\",\"count\":1,\"messageId\":\"today-$i\"}" >> "$D/batch.ndjson"; done

echo "warm-up:"; post warm "$D/warm.ndjson"
strace -f -qq -p "$GW" -e trace=write,rename -e inject=rename:signal=SIGKILL:when=2 -yy -s 120 -o "$D/strace.out" &
ST=$!
sleep 2
echo "attempt 1, killed at the rename of a part the engine is committing:"; post batch-K "$D/batch.ndjson"
wait "$GW" 2>/dev/null || true
kill "$ST" 2>/dev/null || true
grep -E 'deduplication_log|rename' "$D/strace.out" | head -3 | sed -E "s#$D/clickhouse/store/[0-9a-f]+/##g" | cut -c1-180
# Counted from the files, before the restart's openDb repairs them.
node -e 'const { scanDedupOrphans } = require(process.argv[1] + "/dist-tools/tools/durability/harness");
console.log("orphan dedup records left by the kill:", JSON.stringify(scanDedupOrphans(process.argv[2], "delivery_overview").orphans));' "$ROOT" "$D"
echo "restart, then attempt 2 with the same Idempotency-Key:"
start 2
post batch-K "$D/batch.ndjson"
kill -9 "$GW"; GW=; sleep 1

node -e '
const { openDb } = require(process.argv[1] + "/dist/clickhouse/client");
const { compareRawAndAggregates } = require(process.argv[1] + "/dist/metrics/reconcile");
const { scanDedupOrphans } = require(process.argv[1] + "/dist-tools/tools/durability/harness");
(async () => {
  const db = await openDb({ clickhouseUrl: null, database: "delivery_overview", dataDir: process.argv[2], queryTimeoutSeconds: 30 });
  const days = await db.query({ family: "repro", sql: "SELECT toString(toDate(time)) AS day, count() AS rows FROM delivery_overview.delivery_events WHERE workspace_id = \x27repro\x27 AND message_id != \x27warm\x27 GROUP BY day ORDER BY day" });
  console.log("raw rows of batch-K (10 expected per day):", JSON.stringify(days));
  const now = Date.now(), H = 3600e3;
  const r = await compareRawAndAggregates(db, { from: Math.floor((now - 30 * H) / H) * H, to: Math.ceil(now / H) * H, workspaceId: "repro" });
  for (const d of r.differences) console.log("reconcile:", new Date(d.hour).toISOString(), d.step, "raw", d.raw.events, JSON.stringify(d.tiers));
  console.log("orphan dedup records after the repair:", JSON.stringify(scanDedupOrphans(process.argv[2], "delivery_overview").orphans));
  await db.close();
})();' "$ROOT" "$D"
