#!/usr/bin/env bash
# read-20 on a read replica (Litestream VFS) against the primary, same machine, same run
# (BENCHMARKS.md "Read replicas"). Installs what the recovery suite installs, once; builds the
# release binary unless ENVKEEP_BIN names one. Exits 1 if the ratio is under 0.8.
set -euo pipefail
exec bash "$(dirname "$0")/../tests/recovery/run.sh" --replica-bench
