#!/usr/bin/env bash
# The load benchmark in one command (see BENCHMARKS.md):
#   benches/load.sh            full run: 10 s per scenario, 100,000 bulk tokens, targets enforced
#   benches/load.sh --smoke    a few seconds per scenario, 5,000 tokens, only "no errors" (CI)
# Set ENVKEEP_BIN to measure an already built release binary instead of the one cargo builds.
# Exits non-zero when a target is missed (or, in smoke mode, when any request failed).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package)" >&2
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
if ! command -v taskset >/dev/null 2>&1; then
    echo "installing taskset (util-linux)" >&2
    apt-get update -qq && apt-get install -y -qq util-linux >/dev/null
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec cargo bench --bench load -- "$@"
