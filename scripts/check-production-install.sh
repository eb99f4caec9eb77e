#!/usr/bin/env bash
# The production install from a clean clone, as docs/deploy.md describes it:
#   npm ci && npm run build && npm prune --omit=dev && node dist/cli.js serve   → /readyz 200
#   and with --omit=optional too (no embedded engine) and no CLICKHOUSE_URL     → exit 2
# Slow (a full install), so it is not part of npm test; run it before a release.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
git clone -q "$src" "$work/p"
cd "$work/p"
npm ci --no-audit --no-fund >/dev/null
npm run build --silent >/dev/null
npm prune --omit=dev --no-audit --no-fund >/dev/null
echo "pruned: $(du -sh node_modules | cut -f1) in node_modules"
port=$((20000 + RANDOM % 20000))
DATA_DIR="$work/data" PORT=$port LOG_LEVEL=warn node dist/cli.js serve >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; then echo "serve: /readyz 200 after the production install"; break; fi
  sleep 1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "serve never became ready:"; cat "$work/serve.log"; exit 1; }
kill "$pid"; wait "$pid" || true; pid=
npm prune --omit=dev --omit=optional --no-audit --no-fund >/dev/null
echo "pruned without optional: $(du -sh node_modules | cut -f1) in node_modules"
set +e
env -u CLICKHOUSE_URL DATA_DIR="$work/data2" PORT=0 node dist/cli.js serve 2>"$work/nochdb.err" >/dev/null
code=$?
set -e
echo "serve without chdb and without CLICKHOUSE_URL: exit $code: $(head -1 "$work/nochdb.err")"
[ "$code" = 2 ]
