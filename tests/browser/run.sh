#!/usr/bin/env bash
# Browser tests for the admin UI: the real envkeep binary on a loopback port with a temp data
# dir, driven by Debian's headless Chromium through playwright-core (no browser download).
#   ENVKEEP_BIN            binary to test (default: cargo build --release)
#   ENVKEEP_BROWSER_CACHE  where playwright-core is installed (default ~/.cache/envkeep-browser)
# Screenshots go to target/ui-screenshots/. The last line is "N passed, M failed".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PLAYWRIGHT_VERSION=1.64.1
AXE_VERSION=4.14.1 # axe-core, for journeys/a11y.mjs

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "installing chromium and chromium-driver" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium chromium-driver >&2
fi

# ssh-keygen: the ui-a journey checks that an OpenSSH key kept through the forms still loads.
if ! command -v ssh-keygen >/dev/null 2>&1; then
  echo "installing openssh-client" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq openssh-client >&2
fi

CACHE=${ENVKEEP_BROWSER_CACHE:-$HOME/.cache/envkeep-browser}
if ! grep -qs "\"version\": \"$PLAYWRIGHT_VERSION\"" "$CACHE/node_modules/playwright-core/package.json"; then
  echo "installing playwright-core@$PLAYWRIGHT_VERSION into $CACHE" >&2
  mkdir -p "$CACHE"
  [ -f "$CACHE/package.json" ] || echo '{"private": true}' > "$CACHE/package.json"
  (cd "$CACHE" && npm install --no-audit --no-fund --silent "playwright-core@$PLAYWRIGHT_VERSION" >&2)
fi
if ! grep -qs "\"version\": \"$AXE_VERSION\"" "$CACHE/node_modules/axe-core/package.json"; then
  echo "installing axe-core@$AXE_VERSION into $CACHE" >&2
  mkdir -p "$CACHE"
  [ -f "$CACHE/package.json" ] || echo '{"private": true}' > "$CACHE/package.json"
  (cd "$CACHE" && npm install --no-audit --no-fund --silent "axe-core@$AXE_VERSION" >&2)
fi

# The official Python SDK (the identities journey logs in with Universal Auth through it): the
# pin of tests/compat/run.sh, in its cache's venv, so the two suites share one install.
COMPAT_CACHE=${ENVKEEP_COMPAT_CACHE:-$HOME/.cache/envkeep-compat}
PY_SDK_VER=$(sed -n 's/^PY_SDK_PKG=infisicalsdk PY_SDK_VER=\([0-9.]*\)$/\1/p' "$ROOT/tests/compat/run.sh")
PY_SDK_VENV="$COMPAT_CACHE/venv-sdk"
if [ -z "$PY_SDK_VER" ]; then echo "no infisicalsdk pin found in tests/compat/run.sh" >&2; exit 1; fi
if ! "$PY_SDK_VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('infisicalsdk') != '$PY_SDK_VER')" 2>/dev/null; then
  echo "installing infisicalsdk==$PY_SDK_VER into $PY_SDK_VENV" >&2
  mkdir -p "$COMPAT_CACHE"
  (
    # The compat suite may be installing into the same cache: take its lock.
    exec 9>"$COMPAT_CACHE/.install.lock"
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    rm -rf "$PY_SDK_VENV"
    python3 -m venv "$PY_SDK_VENV"
    "$PY_SDK_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "infisicalsdk==$PY_SDK_VER" >&2
  ) || { rm -rf "$PY_SDK_VENV"; echo "pip install infisicalsdk==$PY_SDK_VER failed" >&2; exit 1; }
fi

BIN=${ENVKEEP_BIN:-}
if [ -z "$BIN" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
  BIN="$ROOT/target/release/envkeep"
fi

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Port 0: the server picks a free port and logs it, so there is no race for a port.
"$BIN" serve --bind 127.0.0.1:0 --data-dir "$WORK/data" --log-format json --sweep-schedule off >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

field() { # field <message> <json key>: a field of the first log line with that message
  python3 - "$WORK/server.log" "$1" "$2" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try: event = json.loads(line)
    except ValueError: continue
    fields = event.get("fields", {})
    message = fields.get("message", "")
    if message.startswith(sys.argv[2]):
        key = sys.argv[3]
        print(fields[key] if key != "message" else message[len(sys.argv[2]):].strip()); break
PY
}

PORT="" CODE=""
for _ in $(seq 1 200); do
  PORT=$(field "envkeep listening" port)
  CODE=$(field "setup code:" message)
  if [ -n "$PORT" ] && [ -n "$CODE" ]; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/server.log" >&2; echo "0 passed, 1 failed"; exit 1; fi
  sleep 0.05
done
if [ -z "$PORT" ] || [ -z "$CODE" ]; then cat "$WORK/server.log" >&2; echo "0 passed, 1 failed"; exit 1; fi

# scenario.mjs first (it performs the setup that creates the admin), then every journey in name
# order, a11y.mjs last (it checks every page, so it must see what the others created); each
# prints "N passed, M failed" last, and this sums them into the same last line.
# ONLY=<name> runs the scenario and that one journey (e.g. ONLY=a11y).
scripts=("$ROOT/tests/browser/scenario.mjs")
for script in "$ROOT"/tests/browser/journeys/*.mjs; do
  name=$(basename "$script" .mjs)
  if [ "$name" != a11y ] && { [ -z "${ONLY:-}" ] || [ "$name" = "$ONLY" ]; }; then scripts+=("$script"); fi
done
if [ -z "${ONLY:-}" ] || [ "$ONLY" = a11y ]; then scripts+=("$ROOT/tests/browser/journeys/a11y.mjs"); fi
# A journey that hangs (a browser that never answers) fails after this long instead of holding
# CI until its own limit; the longest journey (a11y) takes about a minute.
JOURNEY_LIMIT=${ENVKEEP_JOURNEY_LIMIT:-300}
status=0 total_passed=0 total_failed=0
for script in "${scripts[@]}"; do
  [ -f "$script" ] || continue
  echo "--- $(basename "$script")"
  script_status=0
  ENVKEEP_BIN="$BIN" BASE_URL="http://127.0.0.1:$PORT" SETUP_CODE="$CODE" SCREENSHOT_DIR="$ROOT/target/ui-screenshots" \
    PLAYWRIGHT_DIR="$CACHE" PYTHON_SDK="$PY_SDK_VENV/bin/python" timeout --kill-after=10 "$JOURNEY_LIMIT" node "$script" | tee "$WORK/journey.out" || script_status=$?
  summary=$(tail -n 1 "$WORK/journey.out")
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    total_passed=$((total_passed + BASH_REMATCH[1])) total_failed=$((total_failed + BASH_REMATCH[2]))
  else
    total_failed=$((total_failed + 1)) # crashed before its summary
  fi
  if [ "$script_status" -ne 0 ]; then status=1; fi
done
if [ "$status" -ne 0 ]; then
  echo "--- server log (tail) ---" >&2
  tail -n 30 "$WORK/server.log" >&2
fi
echo "$total_passed passed, $total_failed failed"
exit "$status"
