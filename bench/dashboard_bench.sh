#!/bin/sh
# The dashboard at size: N orders (default 1,000,000) placed evenly over the last 7 days with
# two timeline transitions each, written straight into a fresh database (the triggers of
# migration 23 keep the status and per-minute counts as the API would), then
# GET /v1/stats/dashboard timed for a 60-minute and a 1440-minute window, and one stock page.
# Usage: bench/dashboard_bench.sh path/to/ordo [N]
set -eu
ORDO=${1:?usage: $0 path/to/ordo [N]}
N=${2:-1000000}
DIR=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/ordo-dash-XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
"$ORDO" migrate --db "$DIR/d.db" >/dev/null
STEP=$((7 * 86400 * 1000 / N))
echo "seeding $N orders, $((2 * N)) timeline events ..."
sqlite3 "$DIR/d.db" <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO orders (order_no, channel, external_id, status, buyer_phone, created_at,
  updated_at, splittable, province_code, content_hash, doc)
SELECT 'B' || i, 'web', 'E' || i, CASE i % 5 WHEN 0 THEN 'shipped' WHEN 1 THEN 'approved'
  WHEN 2 THEN 'picking' WHEN 3 THEN 'delivered' ELSE 'completed' END, '138',
  strftime('%s', 'now') * 1000 - ($N - i) * $STEP, 0, 1, 110000, 'h', '{}' FROM n;
INSERT INTO order_events (order_id, at, actor, type, from_status, to_status)
  SELECT id, created_at, 'x', 'status', 'pending_review', 'approved' FROM orders;
INSERT INTO order_events (order_id, at, actor, type, from_status, to_status)
  SELECT id, created_at + 600000, 'x', 'status', 'approved', 'picking' FROM orders;
UPDATE orders SET shipped_at = created_at + 3600000 WHERE id % 5 IN (0, 3, 4);
COMMIT;
SQL
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TOKEN=dashboard-bench-$(date +%s%N)
ORDO_ADMIN_TOKEN=$TOKEN "$ORDO" serve --listen "127.0.0.1:$PORT" --db "$DIR/d.db" --no-demo \
    >"$DIR/serve.log" 2>&1 &
PID=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
for path in "stats/dashboard?window_minutes=60" "stats/dashboard?window_minutes=60" \
    "stats/dashboard?window_minutes=1440" "stock?limit=500"; do
    curl -s -o /dev/null -w "GET /v1/$path: %{http_code} in %{time_total}s\n" \
        -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/$path"
done
