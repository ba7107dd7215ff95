#!/usr/bin/env bash
# A/B intake throughput of two ordo binaries on this machine, now: `bench/ab.sh OLD NEW [RUNS]`
# runs bench/run.sh's HTTP section (c64, BENCH_DURATION seconds, default 15) for OLD and NEW
# alternately RUNS times (default 4) and prints each figure, the means and NEW/OLD. On a
# shared VM absolute figures drift by tens of percent within the hour; alternating runs of the
# two binaries is what makes their ratio mean something.
set -uo pipefail
if [[ $# -lt 2 ]]; then
    echo "usage: $0 OLD_ORDO NEW_ORDO [RUNS]" >&2
    exit 2
fi
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUNS=${3:-4}
export BENCH_SKIP="fsync import webhooks labels allocation waves" BENCH_DURATION=${BENCH_DURATION:-15} BENCH_SHORT_DURATION=1
rate() { # ORDO -> orders/s of the c64 run
    "$BENCH_DIR/run.sh" "$1" 2>/dev/null | awk '/^c64 orders:/ { print $(NF - 1) }'
}
old_sum=0 new_sum=0
for i in $(seq "$RUNS"); do
    o=$(rate "$1") n=$(rate "$2")
    if [[ -z $o || -z $n ]]; then
        echo "ab: run $i measured nothing (old '$o', new '$n')" >&2
        exit 1
    fi
    echo "run $i: old $o/s, new $n/s"
    old_sum=$((old_sum + o)) new_sum=$((new_sum + n))
done
awk -v o="$old_sum" -v n="$new_sum" -v r="$RUNS" \
    'BEGIN { printf "mean: old %.0f/s, new %.0f/s, new/old %.2f\n", o / r, n / r, n / o }'
