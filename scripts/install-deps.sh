#!/usr/bin/env bash
# Installs the Debian 12 packages ordo needs to build, run and test. Idempotent: installs
# only what is missing.
set -euo pipefail
packages=(build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
          libssl-dev libcmocka-dev libmimalloc-dev libcurl4-openssl-dev python3 sqlite3 curl
          openssl libhpdf-dev poppler-utils poppler-data qpdf libsodium-dev
          chromium fonts-noto-cjk)
[ "${1:-}" = "--bench" ] && packages+=(wrk)
# Node.js and npm build the console; a machine that has them (from any source) keeps them.
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
