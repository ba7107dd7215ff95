#!/usr/bin/env bash
# Runs each cmocka test binary and prints one closing line: "unit: N passed, N failed".
set -u
build=$1; shift
passed=0; failed=0; failed_bins=()
for bin in "$@"; do
    out=$("$bin" 2>&1); rc=$?
    echo "$out"
    p=$(grep -Eo '\[  PASSED  \] [0-9]+' <<<"$out" | grep -Eo '[0-9]+$' || echo 0)
    f=$(grep -Eo '\[  FAILED  \] [0-9]+' <<<"$out" | grep -Eo '[0-9]+$' || echo 0)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    if [ $rc -ne 0 ]; then
        failed_bins+=("$bin")
        [ "${f:-0}" -eq 0 ] && failed=$((failed + 1))
    fi
done
echo "unit ($build): $passed passed, $failed failed"
[ ${#failed_bins[@]} -eq 0 ] || { echo "failing: ${failed_bins[*]}"; exit 1; }
