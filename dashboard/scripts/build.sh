#!/usr/bin/env bash
# Build the dashboard's static site (dashboard/build) from a published warehouse:
#   dashboard/scripts/build.sh [warehouse]        default: $STEPPE_WAREHOUSE, else data/warehouse.duckdb
# Installs the locked npm packages when the lock changed, extracts the marts the pages use (Evidence's
# `sources`, read-only), then builds. Needs no network once the packages are installed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
warehouse=${1:-${STEPPE_WAREHOUSE:-$here/../data/warehouse.duckdb}}
if [ ! -f "$warehouse" ]; then
    echo "No warehouse at $warehouse: build one first (make run)." >&2
    exit 1
fi
warehouse=$(realpath "$warehouse")
cd "$here"
# npm ci is the slow step (~1 min): only when the lock is not the one installed.
if ! cmp -s package-lock.json node_modules/.steppe-installed-lock 2>/dev/null; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.steppe-installed-lock
fi
export DO_NOT_TRACK=1 SEND_ANONYMOUS_USAGE_STATS=no
# Evidence takes the DuckDB file relative to the source's folder; this points it at the warehouse.
EVIDENCE_SOURCE__steppe__filename=$(realpath --relative-to=sources/steppe "$warehouse")
export EVIDENCE_SOURCE__steppe__filename
rm -rf build .evidence/template/static/data
npm run --silent sources
npm run --silent build:strict
echo "Dashboard of $warehouse built in $here/build"
