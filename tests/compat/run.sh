#!/usr/bin/env bash
# Infisical-client compatibility suite for Envkeep.
#
# Installs four pinned, unmodified Infisical clients into a cache directory (once), starts
# the Envkeep release binary on a free loopback port with a throw-away data dir, seeds a
# project, secrets and service tokens through the native API, and has every client read
# (and, where it can, write) secrets with service tokens. One line per check
# (`ok - ...` / `FAIL - ...`), then `N passed, M failed`; exit status 1 on any failure.
#
#   bash tests/compat/run.sh                 # run (installs the clients if missing)
#   bash tests/compat/run.sh --install-only  # only install the clients into the cache
#
# Environment:
#   ENVKEEP_BIN             server binary (default: target/release/envkeep, relative to the repo)
#   ENVKEEP_COMPAT_CACHE    client cache (default: $HOME/.cache/envkeep-compat)
#   ENVKEEP_COMPAT_PYTHON   Python 3.11 interpreter (default: python3.11, else python3)
#   ENVKEEP_COMPAT_NODE     Node 20 binary (default: node)
#   ENVKEEP_COMPAT_ONLY     space-separated subset of: py-legacy py-sdk node-legacy node-sdk
#                           py-parity node-parity (references and imports)
#   ENVKEEP_COMPAT_VERBOSE  1 = print every HTTP request the clients make (to stderr)
#   ENVKEEP_COMPAT_EXPIRY   wait = let the expired-token case expire for real (adds ~60 s)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${ENVKEEP_COMPAT_CACHE:-$HOME/.cache/envkeep-compat}
NODE=${ENVKEEP_COMPAT_NODE:-node}
if [ -n "${ENVKEEP_COMPAT_PYTHON:-}" ]; then
  PY=$ENVKEEP_COMPAT_PYTHON
elif command -v python3.11 >/dev/null 2>&1; then
  PY=python3.11
else
  PY=python3
fi

# Pinned clients. The two Python ones cannot share a virtualenv: infisical 1.6.0 pins
# requests==2.31.0 and infisicalsdk 1.0.18 needs requests~=2.32.
PY_LEGACY_PKG=infisical PY_LEGACY_VER=1.6.0
PY_SDK_PKG=infisicalsdk PY_SDK_VER=1.0.18
NODE_LEGACY_PKG=infisical-node NODE_LEGACY_VER=1.5.1
NODE_SDK_PKG=@infisical/sdk NODE_SDK_VER=5.0.2

log() { printf '# %s\n' "$*"; }
die() { printf 'FAIL - harness: %s\n0 passed, 1 failed\n' "$*"; exit 1; }

# ---------------------------------------------------------------------------- install
venv_has() { # venv-dir dist version
  [ -x "$1/bin/python" ] && "$1/bin/python" - "$2" "$3" <<'EOF' 2>/dev/null
import importlib.metadata as m, sys
sys.exit(0 if m.version(sys.argv[1]) == sys.argv[2] else 1)
EOF
}

install_venv() { # venv-dir dist version
  local dir=$1 dist=$2 ver=$3
  if venv_has "$dir" "$dist" "$ver"; then return 0; fi
  log "installing $dist==$ver into $dir"
  rm -rf "$dir"
  "$PY" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "$dist==$ver" \
    || { rm -rf "$dir"; return 1; }
  venv_has "$dir" "$dist" "$ver"
}

npm_has() { # package version
  local pj="$CACHE/npm/node_modules/$1/package.json"
  [ -f "$pj" ] && [ "$("$NODE" -p "require(process.argv[1]).version" "$pj" 2>/dev/null)" = "$2" ]
}

install_npm() {
  if npm_has "$NODE_LEGACY_PKG" "$NODE_LEGACY_VER" && npm_has "$NODE_SDK_PKG" "$NODE_SDK_VER"; then
    return 0
  fi
  log "installing $NODE_LEGACY_PKG@$NODE_LEGACY_VER and $NODE_SDK_PKG@$NODE_SDK_VER into $CACHE/npm"
  rm -rf "$CACHE/npm"
  mkdir -p "$CACHE/npm"
  cat >"$CACHE/npm/package.json" <<EOF
{
  "name": "envkeep-compat-clients",
  "private": true,
  "dependencies": {
    "$NODE_LEGACY_PKG": "$NODE_LEGACY_VER",
    "$NODE_SDK_PKG": "$NODE_SDK_VER"
  }
}
EOF
  (cd "$CACHE/npm" && npm install --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null) \
    || { rm -rf "$CACHE/npm"; return 1; }
  npm_has "$NODE_LEGACY_PKG" "$NODE_LEGACY_VER" && npm_has "$NODE_SDK_PKG" "$NODE_SDK_VER"
}

install_all() {
  command -v "$PY" >/dev/null 2>&1 || die "python not found ($PY)"
  command -v "$NODE" >/dev/null 2>&1 || die "node not found ($NODE)"
  command -v npm >/dev/null 2>&1 || die "npm not found"
  local major
  major=$("$NODE" -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 18 ] || die "node >= 18 needed (global fetch for @infisical/sdk); found $("$NODE" --version)"
  mkdir -p "$CACHE"
  # Serialise concurrent runs sharing the cache.
  exec 9>"$CACHE/.install.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  install_venv "$CACHE/venv-legacy" "$PY_LEGACY_PKG" "$PY_LEGACY_VER" || die "pip install $PY_LEGACY_PKG==$PY_LEGACY_VER failed"
  install_venv "$CACHE/venv-sdk" "$PY_SDK_PKG" "$PY_SDK_VER" || die "pip install $PY_SDK_PKG==$PY_SDK_VER failed"
  install_npm || die "npm install of the Node clients failed"
  exec 9>&-
}

install_all
if [ "${1:-}" = "--install-only" ]; then
  log "clients installed in $CACHE"
  exit 0
fi

# ---------------------------------------------------------------------------- server
BIN=${ENVKEEP_BIN:-target/release/envkeep}
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
[ -x "$BIN" ] || die "envkeep binary not found or not executable: $BIN (build with cargo build --release or set ENVKEEP_BIN)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/envkeep-compat.XXXXXX")
SERVER_PID=
DRIVER_PIDS=()
cleanup() {
  local rc=$? f
  for f in "$TMP"/pid.*; do   # drivers still running (interrupted run): timeout forwards TERM
    [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ADMIN_EMAIL=admin@example.com
ADMIN_PASSWORD="compat-$("$PY" -c 'import secrets; print(secrets.token_hex(12))')"
export ENVKEEP_ADMIN_EMAIL=$ADMIN_EMAIL ENVKEEP_ADMIN_PASSWORD=$ADMIN_PASSWORD

start_server() {
  local port=$1
  mkdir -p "$TMP/data"
  env -u ENVKEEP_ROOT_KEY -u ENVKEEP_DATABASE \
    ENVKEEP_BIND="127.0.0.1:$port" \
    ENVKEEP_DATA_DIR="$TMP/data" \
    ENVKEEP_ADMIN_EMAIL="$ADMIN_EMAIL" \
    ENVKEEP_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    ENVKEEP_AUTH_FAILURE_LIMIT=0 \
    NO_COLOR=1 \
    "$BIN" serve >>"$TMP/server.log" 2>&1 &
  SERVER_PID=$!
}

server_log_tail() {
  [ -f "$TMP/server.log" ] || return 0
  tail -n 40 "$TMP/server.log" | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^/#   server: /'
}

# A free port can be taken between probing and binding: retry a few times.
BASE=
for attempt in 1 2 3; do
  PORT=$("$PY" "$HERE/harness.py" free-port)
  start_server "$PORT"
  if "$PY" "$HERE/harness.py" wait-health "http://127.0.0.1:$PORT/healthz" "$SERVER_PID" \
      "${ENVKEEP_COMPAT_START_TIMEOUT:-30}" 2>"$TMP/health.err"; then
    BASE="http://127.0.0.1:$PORT"
    break
  fi
  sed 's/^/# /' "$TMP/health.err"
  if kill -0 "$SERVER_PID" 2>/dev/null; then break; fi   # alive but unhealthy: no point retrying
  SERVER_PID=
done

RESULTS="$TMP/results"
: >"$RESULTS"
emit() { printf '%s\n' "$*" | tee -a "$RESULTS"; }

finish() {
  local passed failed
  passed=$(grep -c '^ok - ' "$RESULTS" || true)
  failed=$(grep -c '^FAIL - ' "$RESULTS" || true)
  echo "$passed passed, $failed failed"
  if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
  exit 0
}

if [ -z "$BASE" ]; then
  emit "FAIL - harness: envkeep answers GET /healthz with 200"
  server_log_tail
  finish
fi
emit "ok - harness: envkeep answers GET /healthz with 200 ($BASE)"

FIXTURE="$TMP/fixture.json"
if "$PY" "$HERE/harness.py" seed "$BASE" "$ADMIN_EMAIL" "$ADMIN_PASSWORD" "$FIXTURE" 2>"$TMP/seed.err"; then
  emit "ok - harness: seeded project, secrets and service tokens through the native API"
else
  emit "FAIL - harness: seeded project, secrets and service tokens through the native API"
  sed 's/^/# /' "$TMP/seed.err"
  server_log_tail
  finish
fi

# ---------------------------------------------------------------------------- expiry
# An expired token: minted with `expiresIn: 60` (the API's minimum), then its expiry is moved
# into the past in the server's SQLite file before its first use (harness.py expire), as the
# passage of time would. With ENVKEEP_COMPAT_EXPIRY=wait the suite instead waits ~60 s for the
# token to expire for real.
EXPIRING_AT=
check_expired_token_mint() {
  if "$PY" "$HERE/harness.py" mint "$BASE" "$FIXTURE" expiring dev / read 60 2>"$TMP/mint.err"; then
    EXPIRING_AT=$(( $(date +%s) + 61 ))
  else
    sed 's/^/# /' "$TMP/mint.err"
  fi
}
check_expired_token() {
  if [ -z "$EXPIRING_AT" ]; then
    emit "FAIL - harness: mint a service token with expiresIn 60"
    return 0
  fi
  if [ "${ENVKEEP_COMPAT_EXPIRY:-}" = wait ]; then
    local now
    now=$(date +%s)
    if [ "$now" -lt "$EXPIRING_AT" ]; then
      log "waiting $((EXPIRING_AT - now)) s for the expiresIn=60 token to expire"
      sleep $((EXPIRING_AT - now))
    fi
  elif ! "$PY" "$HERE/harness.py" expire "$TMP/data/envkeep.db" "$FIXTURE" expiring 2>"$TMP/expire.err"; then
    sed 's/^/# /' "$TMP/expire.err"
    emit "FAIL - harness: move the expiring token's expiry into the past"
    return 0
  fi
  run_clients expired
}

# ---------------------------------------------------------------------------- clients
NODE_PATH_CLIENTS="$CACHE/npm/node_modules"
ONLY=${ENVKEEP_COMPAT_ONLY:-py-legacy py-sdk node-legacy node-sdk py-parity node-parity}
DRIVER_TIMEOUT=${ENVKEEP_COMPAT_DRIVER_TIMEOUT:-90}

run_driver() { # name command...
  local name=$1; shift
  ( set +e
    timeout "$DRIVER_TIMEOUT" "$@" >"$TMP/out.$name" 2>"$TMP/err.$name" &
    echo $! >"$TMP/pid.$name"   # timeout(1) runs in its own process group: cleanup kills it by id
    wait $!
    echo $? >"$TMP/rc.$name" ) &
  DRIVER_PIDS+=($!)
}

# Runs the selected drivers in parallel (they write in disjoint places), then reports their
# lines in a fixed order. $1: "" for the full run, "expired" for the expired-token check.
run_clients() {
  local mode=${1:-} name rc
  local -a started=()
  DRIVER_PIDS=()
  for name in $ONLY; do
    case "$name" in
      py-legacy) run_driver "$name" env PYTHONIOENCODING=utf-8 "$CACHE/venv-legacy/bin/python" "$HERE/py_legacy.py" "$FIXTURE" $mode ;;
      py-sdk) run_driver "$name" env PYTHONIOENCODING=utf-8 "$CACHE/venv-sdk/bin/python" "$HERE/py_sdk.py" "$FIXTURE" $mode ;;
      node-legacy) run_driver "$name" env NODE_PATH="$NODE_PATH_CLIENTS" "$NODE" "$HERE/node_legacy.js" "$FIXTURE" $mode ;;
      node-sdk) run_driver "$name" env NODE_PATH="$NODE_PATH_CLIENTS" "$NODE" "$HERE/node_sdk.js" "$FIXTURE" $mode ;;
      py-parity) run_driver "$name" env PYTHONIOENCODING=utf-8 "$CACHE/venv-sdk/bin/python" "$HERE/py_parity.py" "$FIXTURE" $mode ;;
      node-parity) run_driver "$name" env NODE_PATH="$NODE_PATH_CLIENTS" "$NODE" "$HERE/node_parity.js" "$FIXTURE" $mode ;;
      *) emit "FAIL - harness: unknown client '$name' in ENVKEEP_COMPAT_ONLY"; continue ;;
    esac
    started+=("$name")
  done
  # Wait for the drivers only (a bare `wait` would also wait for the server).
  local pid
  for pid in "${DRIVER_PIDS[@]}"; do wait "$pid" || true; done

  for name in "${started[@]}"; do
    grep -E '^(ok|FAIL) - ' "$TMP/out.$name" | tee -a "$RESULTS" || true
    rc=$(cat "$TMP/rc.$name" 2>/dev/null || echo 1)
    if [ "$rc" = 124 ]; then
      emit "FAIL - $name: driver timed out after ${DRIVER_TIMEOUT}s"
    elif [ "$rc" != 0 ] && ! grep -q '^FAIL - ' "$TMP/out.$name"; then
      emit "FAIL - $name: driver exited with status $rc"
    fi
    if [ "$rc" != 0 ] || [ -n "${ENVKEEP_COMPAT_VERBOSE:-}" ]; then
      grep -vE '^(ok|FAIL) - ' "$TMP/out.$name" | sed "s/^/# [$name] /" || true
      sed "s/^/# [$name] /" "$TMP/err.$name" | tail -n 60 || true
    fi
  done
}

check_expired_token_mint
run_clients
check_expired_token

if grep -q '^FAIL - ' "$RESULTS"; then server_log_tail; fi
finish
