#!/usr/bin/env bash
# ordo benchmarks: `make bench` runs `bench/run.sh /abs/path/to/build/ordo`.
#
# Prints figures; never fails because something is slow. It exits non-zero only when a
# benchmark could not be measured at all (the server did not start, seeding or the import
# failed), so a broken bench is visible. See bench/README.md for what each figure means.
#
# Knobs (environment):
#   BENCH_DURATION          seconds of the main HTTP run               (default 20)
#   BENCH_CONNECTIONS       connections of the main HTTP run           (default 64)
#   BENCH_HIGH_CONNECTIONS  connections of the short second run        (default 256)
#   BENCH_SHORT_DURATION    seconds of the short second run            (default 5)
#   BENCH_THREADS           wrk threads                                (default 2)
#   BENCH_IMPORT_N          orders generated for the import benchmark  (default 1000000)
#   BENCH_WEBHOOK_N         orders whose events the webhook benchmark delivers (default 20000)
#   BENCH_WEBHOOK_CONCURRENCY  deliveries in flight in its parallel run   (default 16)
#   BENCH_WEBHOOK_DELAY_MS  how long its slow receiver takes to answer     (default 10)
#   BENCH_SKIP              space-separated sections to skip: fsync http import webhooks labels
#                           allocation waves
#   BENCH_LABEL_SECONDS     seconds each label format is rendered for  (default 3)
#   BENCH_ALLOCATION_N      orders the allocation benchmark plans per policy (default 100000)
#   BENCH_WAVE_N            approved orders the wave benchmark builds one wave from (default 100000)
#   BENCH_TMPDIR            where the temporary directory goes         (default $TMPDIR or /tmp;
#                           keep it on the disk you care about: the databases live there)
#   BENCH_KEEP=1            keep the temporary directory (databases, logs) after the run
set -uo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 /path/to/ordo" >&2
    exit 2
fi
ORDO=$1
if [[ ! -x $ORDO ]]; then
    echo "bench: $ORDO is not an executable" >&2
    exit 2
fi
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
cd "$ROOT" || exit 2 # the server finds data/ relative to the repository root

DURATION=${BENCH_DURATION:-20}
CONNS=${BENCH_CONNECTIONS:-64}
HIGH_CONNS=${BENCH_HIGH_CONNECTIONS:-256}
SHORT_DURATION=${BENCH_SHORT_DURATION:-5}
THREADS=${BENCH_THREADS:-2}
IMPORT_N=${BENCH_IMPORT_N:-1000000}
WEBHOOK_N=${BENCH_WEBHOOK_N:-20000}
WEBHOOK_CONCURRENCY=${BENCH_WEBHOOK_CONCURRENCY:-16}
WEBHOOK_DELAY_MS=${BENCH_WEBHOOK_DELAY_MS:-10}
WAVE_N=${BENCH_WAVE_N:-100000}
SKIP=" ${BENCH_SKIP:-} "
CC=${CC:-cc}

TMP=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/ordo-bench.XXXXXX") || exit 1
ORDO_ADMIN_TOKEN=${ORDO_ADMIN_TOKEN:-bench-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')}
export ORDO_ADMIN_TOKEN

SERVER_PID=""
PORT=""
CHILD_PID=""
STATUS=0
SUMMARY=()

cleanup() {
    if [[ -n $CHILD_PID ]] && kill -0 "$CHILD_PID" 2>/dev/null; then
        kill -TERM "$CHILD_PID" 2>/dev/null
        wait "$CHILD_PID" 2>/dev/null
    fi
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then
        echo "bench: kept $TMP"
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf '%s\n' "$*"; }
note() { SUMMARY+=("$*"); say "$*"; }
fail() {
    say "bench: $*" >&2
    STATUS=1
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
skipped() { [[ $SKIP == *" $1 "* ]]; }

# db_size PATH: size of a SQLite database, with its -wal file shown apart.
db_size() {
    [[ -e $1 ]] || { echo "no file at $1"; return; }
    local out
    out="$(du -h "$1" | cut -f1)"
    [[ -e $1-wal ]] && out+=" + $(du -h "$1-wal" | cut -f1) WAL"
    echo "$out"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server DB LOG: starts `ordo serve` on a free loopback port and waits for /healthz.
start_server() {
    local db=$1 log=$2 deadline
    PORT=$(free_port) || return 1
    "$ORDO" serve --listen "127.0.0.1:$PORT" --db "$db" --no-demo >"$log" 2>&1 &
    SERVER_PID=$!
    deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            wait "$SERVER_PID"
            fail "ordo serve exited (status $?) before answering /healthz; its log ends:"
            tail -n 20 "$log" >&2
            SERVER_PID=""
            return 1
        fi
        if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    fail "ordo serve did not answer /healthz within 30 s; its log ends:"
    tail -n 20 "$log" >&2
    stop_server
    return 1
}

# stop_server: SIGTERM, then wait (up to 30 s) for a clean exit.
stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    local t0 t1 rc deadline=$((SECONDS + 30))
    t0=$(now)
    kill -TERM "$SERVER_PID" 2>/dev/null
    while kill -0 "$SERVER_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        fail "ordo serve still running 30 s after SIGTERM; killing it"
        kill -KILL "$SERVER_PID" 2>/dev/null
    fi
    wait "$SERVER_PID" 2>/dev/null
    rc=$?
    t1=$(now)
    say "server stopped (SIGTERM) in $(elapsed "$t0" "$t1") s, exit status $rc"
    SERVER_PID=""
}

# api METHOD PATH BODY: one authenticated JSON request; succeeds on 200 or 201.
api() {
    local code
    code=$(curl -sS -o "$TMP/resp.json" -w '%{http_code}' --max-time 10 -X "$1" \
        -H "Authorization: Bearer $ORDO_ADMIN_TOKEN" -H 'Content-Type: application/json' \
        --data-binary "$3" "http://127.0.0.1:$PORT$2") || code=000
    if [[ $code != 200 && $code != 201 ]]; then
        fail "$1 $2 answered $code: $(head -c 400 "$TMP/resp.json" 2>/dev/null)"
        return 1
    fi
}

# The catalog every generated order refers to: SKU i costs i*500 fen (post_order.lua and
# gen_orders.c price their lines the same way), three warehouses, huge stock everywhere.
seed_catalog() {
    local i sku wh
    for i in $(seq 1 20); do
        sku=$(printf 'BENCH-SKU-%02d' "$i")
        api PUT "/v1/skus/$sku" "{\"name\": \"Bench item $i\", \"price\": $((i * 500)), \"weight_g\": 500}" || return 1
    done
    api PUT /v1/warehouses/BJ01 '{"name": "北京仓", "province": "北京市", "city": "北京市", "district": "朝阳区", "priority": 1}' || return 1
    api PUT /v1/warehouses/SH01 '{"name": "上海仓", "province": "上海市", "city": "上海市", "district": "浦东新区", "priority": 1}' || return 1
    api PUT /v1/warehouses/GZ01 '{"name": "广州仓", "province": "广东省", "city": "广州市", "district": "天河区", "priority": 1}' || return 1
    for wh in BJ01 SH01 GZ01; do
        for i in $(seq 1 20); do
            sku=$(printf 'BENCH-SKU-%02d' "$i")
            api PUT "/v1/stock/$wh/$sku" '{"on_hand": 100000000, "safety_stock": 0, "bin": "A-01-01-1"}' || return 1
        done
    done
}

say "ordo bench: $ORDO"
say "machine: $(nproc) CPUs, $(uname -sr); temp dir $TMP ($(df -h --output=source,fstype "$TMP" | tail -n 1 | tr -s ' '))"
say ""

# ---------------------------------------------------------------------------------------
# 1. fsync rate: the ceiling for one-commit-per-order durability on this disk.
if ! skipped fsync; then
    say "== fsync: 4 KiB write + fdatasync, 2 s, same filesystem as the databases =="
    if "$CC" -O2 -o "$TMP/fsync_rate" "$BENCH_DIR/fsync_rate.c"; then
        while IFS= read -r line; do
            [[ $line == "fsync: "*"/s"* ]] && note "$line" || say "$line"
        done < <("$TMP/fsync_rate" "$TMP" 2)
    else
        fail "could not compile bench/fsync_rate.c"
    fi
    say ""
fi

# ---------------------------------------------------------------------------------------
# 2. HTTP intake: unique valid orders posted by wrk; 201 means durable. First with the
#    default review rules (every paid order evaluated), then with none.
run_wrk() { # CONNECTIONS SECONDS RUN_ID [LABEL]
    local out="$TMP/wrk-$3.txt" label=${4:-c$1}
    say "-- wrk -t$THREADS -c$1 -d${2}s -s bench/post_order.lua (POST /v1/orders)"
    # In the background and waited for, so that a signal to this script is handled at once.
    BENCH_RUN_ID=$3 wrk -t"$THREADS" -c"$1" -d"${2}s" --timeout 10s \
        -s "$BENCH_DIR/post_order.lua" "http://127.0.0.1:$PORT" >"$out" 2>&1 &
    CHILD_PID=$!
    wait "$CHILD_PID"
    local rc=$?
    CHILD_PID=""
    cat "$out"
    if ((rc != 0)); then
        fail "wrk exited with status $rc"
        return 1
    fi
    local line
    while IFS= read -r line; do
        case $line in
        orders:* | non-201:* | latency:*) SUMMARY+=("$label $line") ;;
        esac
    done <"$out"
}

if ! skipped http; then
    say "== HTTP intake: POST /v1/orders =="
    if ! command -v wrk >/dev/null; then
        fail "wrk is not installed (apt-get install wrk); HTTP benchmark skipped"
    elif ! command -v curl >/dev/null; then
        fail "curl is not installed; HTTP benchmark skipped"
    elif start_server "$TMP/bench.db" "$TMP/serve.log"; then
        t0=$(now)
        if seed_catalog; then
            say "catalog seeded (20 SKUs, 3 warehouses, 60 stock rows) in $(elapsed "$t0" "$(now)") s"
            run_wrk "$CONNS" "$DURATION" a
            say ""
            run_wrk "$HIGH_CONNS" "$SHORT_DURATION" b
            # The same load with the review rule set emptied: what the automatic review costs.
            say ""
            if api PUT /v1/review/rules '{"rules": []}'; then
                run_wrk "$CONNS" "$DURATION" c "c$CONNS-no-rules"
            fi
            say "bench.db before shutdown: $(db_size "$TMP/bench.db")"
        fi
        stop_server
        say "bench.db after shutdown: $(db_size "$TMP/bench.db")"
    fi
    say ""
fi

# ---------------------------------------------------------------------------------------
# 3. Bulk import: N generated orders through `ordo import` into a seeded database.
if ! skipped import; then
    say "== import: $IMPORT_N orders through ordo import =="
    if ! "$CC" -O2 -o "$TMP/gen_orders" "$BENCH_DIR/gen_orders.c"; then
        fail "could not compile bench/gen_orders.c"
    else
        t0=$(now)
        if "$TMP/gen_orders" "$IMPORT_N" "$TMP/orders.jsonl" IMP; then
            say "generated $TMP/orders.jsonl: $(du -h "$TMP/orders.jsonl" | cut -f1) in $(elapsed "$t0" "$(now)") s"
            # Seed the catalog through a short-lived server on the import database.
            if start_server "$TMP/import.db" "$TMP/serve-import.log"; then
                seeded=0
                seed_catalog && seeded=1
                stop_server
                if ((seeded)); then
                    t0=$(now)
                    "$ORDO" import "$TMP/orders.jsonl" --db "$TMP/import.db" \
                        --rejects "$TMP/rejects.jsonl" >"$TMP/import.log" 2>&1 &
                    CHILD_PID=$!
                    wait "$CHILD_PID"
                    rc=$?
                    CHILD_PID=""
                    t1=$(now)
                    secs=$(elapsed "$t0" "$t1")
                    say "ordo import output (last lines):"
                    tail -n 5 "$TMP/import.log" | sed 's/^/  /'
                    if ((rc == 3)); then
                        # Every generated order is meant to be valid: rejects are a bench bug
                        # or a server regression, not a speed question.
                        fail "ordo import rejected $(wc -l <"$TMP/rejects.jsonl") lines; the first:"
                        head -n 1 "$TMP/rejects.jsonl" | cut -c 1-600 >&2
                    fi
                    if ((rc != 0 && rc != 3)); then
                        fail "ordo import exited with status $rc after $secs s"
                    else
                        note "import: $IMPORT_N orders in $secs s = $(awk -v n="$IMPORT_N" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }') orders/s"
                        say "import.db after the import: $(db_size "$TMP/import.db")"
                    fi
                fi
            fi
        else
            fail "gen_orders failed"
        fi
        rm -f "$TMP/orders.jsonl"
    fi
    say ""
fi

# ---------------------------------------------------------------------------------------
# 4. Webhook deliveries: a backlog of orders imported with a "*" subscription in place, then
#    drained by the dispatcher into a local receiver, one POST at a time and WEBHOOK_CONCURRENCY
#    in flight, to a receiver that answers at once and to one that takes WEBHOOK_DELAY_MS.
#    Figures are end to end: fan-out, send, record the outcome.
if ! skipped webhooks; then
    say "== webhooks: $WEBHOOK_N orders' events delivered to a local receiver =="
    if ! "$CC" -O2 -o "$TMP/webhook_sink" "$BENCH_DIR/webhook_sink.c" $(pkg-config --cflags --libs libmicrohttpd); then
        fail "could not compile bench/webhook_sink.c"
    elif ! "$CC" -O2 -o "$TMP/gen_orders" "$BENCH_DIR/gen_orders.c"; then
        fail "could not compile bench/gen_orders.c"
    elif "$TMP/gen_orders" "$WEBHOOK_N" "$TMP/hook-orders.jsonl" HOOK && start_server "$TMP/hooks.db" "$TMP/serve-hooks.log"; then
        SINK_PORT=$(free_port)
        seeded=0
        seed_catalog && api PUT /v1/webhooks/bench "{\"url\": \"http://127.0.0.1:$SINK_PORT/hook\", \"events\": [\"*\"], \"secret\": \"bench-webhook-secret-0123\"}" && seeded=1
        stop_server
        if ((seeded)) && "$ORDO" import "$TMP/hook-orders.jsonl" --db "$TMP/hooks.db" >"$TMP/import-hooks.log" 2>&1; then
            expected=$(python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("SELECT count(*) FROM outbox WHERE id > coalesce((SELECT outbox_id FROM dispatch_cursor WHERE name = ?), 0)", ("webhooks",)).fetchone()[0])' "$TMP/hooks.db")
            say "backlog: $expected outbox messages, one delivery each"
            for run in "0 1" "0 $WEBHOOK_CONCURRENCY" "$WEBHOOK_DELAY_MS 1" "$WEBHOOK_DELAY_MS $WEBHOOK_CONCURRENCY"; do
                read -r delay conc <<<"$run"
                # The slow receiver gets a tenth of the backlog: one at a time it takes long.
                want=$expected
                ((delay > 0)) && want=$((expected / 10))
                rm -f "$TMP/hooks-run.db"*
                cp "$TMP/hooks.db" "$TMP/hooks-run.db"
                "$TMP/webhook_sink" "$SINK_PORT" "$want" 10 "$delay" >"$TMP/sink.txt" 2>&1 &
                CHILD_PID=$!
                until grep -q listening "$TMP/sink.txt" 2>/dev/null || ! kill -0 "$CHILD_PID" 2>/dev/null; do sleep 0.02; done
                ORDO_WEBHOOK_CONCURRENCY=$conc start_server "$TMP/hooks-run.db" "$TMP/serve-hooks-$conc.log" || break
                wait "$CHILD_PID"
                CHILD_PID=""
                stop_server
                line=$(grep '^deliveries:' "$TMP/sink.txt")
                if [[ -n $line ]]; then
                    note "webhooks (receiver answers in ${delay} ms, concurrency $conc) $line"
                else
                    fail "the webhook receiver printed no figure: $(cat "$TMP/sink.txt")"
                fi
            done
        else
            fail "could not prepare the webhook backlog (seed or import failed)"
        fi
    fi
    rm -f "$TMP/hook-orders.jsonl"
    say ""
fi

# ---------------------------------------------------------------------------------------
# 5. Shipping labels: PDF and ZPL rendered per second (one thread, no server).
if ! skipped labels; then
    say "== labels =="
    LIB=$(dirname "$ORDO")/libordo.a
    if ! "$CC" -std=c17 -D_GNU_SOURCE -O2 -Isrc -o "$TMP/label_bench" "$BENCH_DIR/label_bench.c" \
        "$LIB" $(pkg-config --libs jansson) -lhpdf -lm; then
        fail "could not build bench/label_bench.c against $LIB"
    elif line=$("$TMP/label_bench" "${BENCH_LABEL_SECONDS:-3}"); then
        note "$line"
    else
        fail "label_bench failed"
    fi
    say ""
fi

# ---------------------------------------------------------------------------------------
# 6. Allocation: ALLOCATION_N approved orders planned by core/sourcing.c over an 8-warehouse
#    network, once per policy; only the planning is timed (bench/sourcing_bench.c).
if ! skipped allocation; then
    ALLOCATION_N=${BENCH_ALLOCATION_N:-100000}
    say "== allocation: $ALLOCATION_N approved orders over one warehouse network =="
    LIB="$(dirname "$ORDO")/libordo.a"
    if [[ ! -f $LIB ]]; then
        fail "no $LIB beside the binary (build with make); allocation benchmark skipped"
    elif ! "$CC" -std=c17 -D_GNU_SOURCE -O2 -I"$ROOT/src" -o "$TMP/sourcing_bench" \
        "$BENCH_DIR/sourcing_bench.c" "$LIB" $(pkg-config --libs jansson) -lm; then
        fail "could not compile bench/sourcing_bench.c"
    elif "$TMP/sourcing_bench" "$ALLOCATION_N" >"$TMP/allocation.txt" 2>&1; then
        while IFS= read -r line; do note "$line"; done <"$TMP/allocation.txt"
    else
        fail "sourcing_bench failed: $(cat "$TMP/allocation.txt")"
    fi
    say ""
fi

# ---------------------------------------------------------------------------------------
# 7. Waves: WAVE_N approved orders in one warehouse (no review rules, so every imported paid
#    order is approved), the 20 SKUs in bins over two zones; one POST /v1/waves (zone
#    strategy) takes them all. Reports the seconds and the walking route against picking the
#    same lines in order-number order.
if ! skipped waves; then
    say "== waves: one zone wave over $WAVE_N approved orders in one warehouse =="
    if ! "$CC" -O2 -o "$TMP/gen_orders" "$BENCH_DIR/gen_orders.c"; then
        fail "could not compile bench/gen_orders.c"
    elif "$TMP/gen_orders" "$WAVE_N" "$TMP/wave-orders.jsonl" WAVE && start_server "$TMP/waves.db" "$TMP/serve-waves.log"; then
        seeded=1
        api PUT /v1/review/rules '{"rules": []}' || seeded=0
        api PUT /v1/warehouses/BJ01 '{"name": "北京仓", "province": "北京市", "city": "北京市", "district": "朝阳区", "priority": 1}' || seeded=0
        for i in $(seq 1 20); do
            sku=$(printf 'BENCH-SKU-%02d' "$i")
            zone=$([[ $i -le 10 ]] && echo A || echo B)
            bin=$(printf '%s-%02d-%02d-1' "$zone" $(((i - 1) % 5 + 1)) $(((i * 7) % 30 + 1)))
            ((seeded)) && api PUT "/v1/skus/$sku" "{\"name\": \"Bench item $i\", \"price\": $((i * 500)), \"weight_g\": 500}" || seeded=0
            ((seeded)) && api PUT "/v1/stock/BJ01/$sku" "{\"on_hand\": 100000000, \"bin\": \"$bin\"}" || seeded=0
        done
        stop_server
        if ((seeded)) && "$ORDO" import "$TMP/wave-orders.jsonl" --db "$TMP/waves.db" >"$TMP/import-waves.log" 2>&1 &&
            start_server "$TMP/waves.db" "$TMP/serve-waves-run.log"; then
            t0=$(now)
            code=$(curl -sS -o "$TMP/wave.json" -w '%{http_code}' --max-time 600 -X POST \
                -H "Authorization: Bearer $ORDO_ADMIN_TOKEN" -H 'Content-Type: application/json' \
                --data-binary "{\"warehouse\": \"BJ01\", \"strategy\": \"zone\", \"max_orders\": $WAVE_N}" \
                "http://127.0.0.1:$PORT/v1/waves") || code=000
            t1=$(now)
            stop_server
            if [[ $code == 201 ]]; then
                note "waves: $(python3 -c 'import json, sys
w = json.load(open(sys.argv[1]))
lines = sum(len(t["lines"]) for t in w["tasks"])
print("%d orders, %d tasks, %d pick lines in %s s; route %.0f m vs %.0f m in order-number order (%.1fx shorter)"
      % (len(w["orders"]), len(w["tasks"]), lines, sys.argv[2], w["distance_m"], w["baseline_m"],
         w["baseline_m"] / w["distance_m"] if w["distance_m"] else 0))' "$TMP/wave.json" "$(elapsed "$t0" "$t1")")"
            else
                fail "POST /v1/waves answered $code: $(head -c 400 "$TMP/wave.json")"
            fi
        else
            fail "could not prepare the wave orders (seed or import failed; see $TMP/import-waves.log)"
        fi
    else
        fail "could not generate or serve the wave orders"
    fi
    rm -f "$TMP/wave-orders.jsonl" "$TMP/wave.json"
    say ""
fi

say "== summary =="
for line in "${SUMMARY[@]}"; do say "$line"; done
if ((STATUS != 0)); then
    say "(some benchmarks could not run; see the messages above)"
fi
exit "$STATUS"
