#!/usr/bin/env bash
# The load benchmark in one command (see BENCHMARKS.md):
#   benches/load.sh            full run: 10 s per scenario, 100,000 bulk tokens, targets enforced
#   benches/load.sh --smoke    a few seconds per scenario, 5,000 tokens, only "no errors" (CI)
# It measures ENVKEEP_BIN if set (CI builds the release binary once and passes it), else the
# binary `cargo build --release` makes, i.e. exactly what users build. The driver itself is built
# in the dev profile: it only seeds data and starts wrk, and this way it reuses the test build's
# dependencies instead of a second, dev-dependency-flavoured release build.
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

if [ -z "${ENVKEEP_BIN:-}" ]; then
    cargo build --release --bin envkeep
    ENVKEEP_BIN="$PWD/target/release/envkeep"
fi
driver=$(cargo build --bench load --message-format=json-render-diagnostics \
    | grep '"name":"load"' | grep -o '"executable":"[^"]*"' | cut -d'"' -f4 | tail -n1)
if [ -z "$driver" ]; then
    echo "could not build the load driver (cargo build --bench load)" >&2
    exit 2
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "binary: $ENVKEEP_BIN" >&2
ENVKEEP_BIN="$ENVKEEP_BIN" exec "$driver" --bench "$@"
