#!/usr/bin/env bash
# Instructions per order on each thread of `ordo import`, counted by callgrind: exact where
# wall-clock on a shared VM is not, so a change to the writer's work per order shows as a
# number that does not drift. `bench/callgrind_import.sh /path/to/ordo [N]` seeds a database
# as `make bench` does (20 SKUs, one warehouse), imports N generated orders (default 10,000)
# under valgrind and prints each thread's instructions and their count per order; the
# writer is the thread named `ordo-writer` in the listing of `callgrind_annotate`.
set -euo pipefail
ORDO=$1
N=${2:-10000}
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
command -v valgrind >/dev/null || { echo "callgrind_import: valgrind is not installed" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/ordo-cg.XXXXXX")
trap 'kill "${S:-0}" 2>/dev/null || true; rm -rf "$T"' EXIT
cd "$ROOT"
"${CC:-cc}" -O2 -o "$T/gen" "$BENCH_DIR/gen_orders.c"
"$T/gen" "$N" "$T/orders.jsonl" CG >/dev/null
export ORDO_ADMIN_TOKEN=callgrind-$$
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ORDO" serve --listen "127.0.0.1:$PORT" --db "$T/db" --no-demo >"$T/serve.log" 2>&1 &
S=$!
until curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz"; do sleep 0.05; done
put() {
    curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $ORDO_ADMIN_TOKEN" \
        -H 'Content-Type: application/json' --data-binary "$2" "http://127.0.0.1:$PORT$1"
}
for i in $(seq 1 20); do
    put "/v1/skus/$(printf 'BENCH-SKU-%02d' "$i")" "{\"name\": \"Bench item $i\", \"price\": $((i * 500)), \"weight_g\": 500}"
done
put /v1/warehouses/BJ01 '{"name": "北京仓", "province": "北京市", "city": "北京市", "district": "朝阳区", "priority": 1}'
for i in $(seq 1 20); do
    put "/v1/stock/BJ01/$(printf 'BENCH-SKU-%02d' "$i")" '{"on_hand": 100000000, "safety_stock": 0}'
done
kill "$S"
wait "$S" || true
S=
valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$T/cg.out" \
    "$ORDO" import "$T/orders.jsonl" --db "$T/db" >/dev/null 2>"$T/valgrind.log"
for f in "$T"/cg.out-*; do
    ir=$(grep -m1 '^totals:' "$f" | awk '{print $2}')
    # A thread is named by the loop that takes most of its instructions.
    name=$(callgrind_annotate --inclusive=yes "$f" 2>/dev/null |
        grep -m1 -o -E '[a-z_]+\.c:(writer_main|checkpointer_main|syncer_main|main) ' |
        sed 's/.*://; s/ $//' || true)
    awk -v f="$(basename "$f")" -v ir="$ir" -v n="$N" -v name="${name:-other}" \
        'BEGIN { printf "%s %-18s %15.0f Ir  %9.0f per order\n", f, name, ir, ir / n }'
done
