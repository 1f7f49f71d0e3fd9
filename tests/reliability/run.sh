#!/usr/bin/env bash
# Reliability and security checks that need the release binary or minutes of wall time (issue 7).
#
#   tests/reliability/run.sh            build the release binary once, then run every step
#   ENVKEEP_BIN=path tests/reliability/run.sh   reuse a binary already built
#
# Steps (each bounded by `timeout`, loopback only): SIGKILL crash cycles, 8+8 load for 10 s,
# backup under load, SIGTERM under load, memory after bursts of failed logins, peak memory of
# parallel 1 MiB secret batches, tampering logged as an integrity failure, peak memory of 32
# parallel listings of a folder filled to its limit with 60 KB values, ~60 s of property
# fuzzing of token parsing and scope globs, and a schemathesis run (at most 3 minutes) over every
# write endpoint of /api/openapi.json. The Rust steps are #[ignore]d tests in
# tests/api/hardening/binary, run from the debug test binary that `cargo test` already built;
# only the server under test is the release build. Ends with "N passed, M failed".
set -uo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
CACHE=${ENVKEEP_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/envkeep-ci}
SCHEMATHESIS_VERSION=4.32.5
FUZZ_SECS=${ENVKEEP_FUZZ_SECS:-60}
SCHEMATHESIS_SECS=${ENVKEEP_SCHEMATHESIS_SECS:-150}
passed=0
failed=0
failures=()

step() {
    local name=$1 limit=$2
    shift 2
    echo "=== $name (at most ${limit}s)"
    local started=$SECONDS
    if timeout --kill-after=10 "$limit" "$@"; then
        passed=$((passed + 1))
        echo "--- ok: $name ($((SECONDS - started))s)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "--- FAILED: $name ($((SECONDS - started))s)"
    fi
}

if [[ -z "${ENVKEEP_BIN:-}" ]]; then
    echo "=== building the release binary"
    cargo build --release --locked || { echo "0 passed, 1 failed"; exit 1; }
    ENVKEEP_BIN=$ROOT/target/release/envkeep
fi
export ENVKEEP_BIN
echo "=== building the test binary"
cargo test --locked --test api --no-run || { echo "0 passed, 1 failed"; exit 1; }

ignored=(cargo test --locked --test api -- --ignored --exact --nocapture --test-threads 1)
step "crash safety: SIGKILL cycles" 300 "${ignored[@]}" hardening::binary::crash::every_acknowledged_write_survives_sigkill_cycles
step "concurrency: 8 writers + 8 readers for 10 s" 120 "${ignored[@]}" hardening::binary::concurrency_against_the_release_binary
step "backup under load" 180 "${ignored[@]}" hardening::binary::backup::a_backup_under_load_is_consistent_and_has_every_earlier_write
step "graceful shutdown under load" 180 "${ignored[@]}" hardening::binary::shutdown::sigterm_under_load_finishes_in_flight_work_and_loses_nothing
step "memory: 3 x 64 parallel 1 MiB secret batches" 180 "${ignored[@]}" hardening::binary::batch_memory::parallel_1_mib_batches_raise_peak_memory_by_a_bounded_amount
step "memory under bursts of failed logins" 120 "${ignored[@]}" hardening::binary::memory::bursts_of_parallel_failed_logins_leave_memory_bounded
step "tampering is logged as an integrity failure" 120 "${ignored[@]}" hardening::binary::tampered_ciphertext_is_logged_as_an_integrity_failure
step "memory: 32 parallel listings of a full folder of 60 KB values" 180 "${ignored[@]}" hardening::binary::big_listings::parallel_listings_of_a_full_folder_of_large_values_stay_under_256_mib
step "property fuzzing: tokens and globs (${FUZZ_SECS}s each)" $((FUZZ_SECS + 120)) \
    env ENVKEEP_FUZZ_SECS="$FUZZ_SECS" cargo test --locked --test api hardening::fuzz -- --test-threads 4 --nocapture

fuzz_api() {
    local venv=$CACHE/schemathesis-$SCHEMATHESIS_VERSION
    if [[ ! -x $venv/bin/schemathesis ]]; then
        python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION" || return 1
    fi
    local data log pid port admin project status
    data=$(mktemp -d)
    log=$data/server.log
    ENVKEEP_ADMIN_EMAIL=fuzz@example.com ENVKEEP_ADMIN_PASSWORD=fuzz-password-long ENVKEEP_AUTH_FAILURE_LIMIT=0 \
        ENVKEEP_SWEEP_SCHEDULE=off NO_COLOR=1 \
        "$ENVKEEP_BIN" serve --bind 127.0.0.1:0 --data-dir "$data" --workers 2 >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        port=$(grep -o 'envkeep listening.*port=[0-9]*' "$log" | grep -o 'port=[0-9]*' | cut -d= -f2)
        [[ -n $port ]] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z ${port:-} ]]; then
        cat "$log"; kill "$pid" 2>/dev/null; rm -rf "$data"; return 1
    fi
    local base=http://127.0.0.1:$port
    admin=$(curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d '{"email":"fuzz@example.com","password":"fuzz-password-long"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    project=$(curl -sf "$base/api/v1/projects" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
        -d '{"name":"fuzz"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["project"]["id"])')
    curl -sf "$base/api/v1/projects/$project/secrets" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
        -d '{"environment":"dev","key":"FUZZ_KEY","value":"v"}' >/dev/null || return 1
    # From the temp dir, so schemathesis's cache lands there and not in the work tree.
    cd "$data" && ENVKEEP_FUZZ_ADMIN=$admin ENVKEEP_FUZZ_PROJECT=$project \
        "$venv/bin/schemathesis" --config-file "$ROOT/tests/reliability/schemathesis.toml" run "$base/api/openapi.json" \
        --checks not_a_server_error --max-time "$SCHEMATHESIS_SECS" \
        --include-method POST --include-method PATCH --include-method DELETE \
        --exclude-operation-id deleteProject --exclude-operation-id logout
    status=$?
    cd "$ROOT"
    if grep -qiE 'panicked|internal error' "$log"; then
        echo "the server logged a panic or an internal error during the fuzz run:"
        grep -iE 'panicked|internal error' "$log" | head -20
        status=1
    fi
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -rf "$data"
    return $status
}
step "schemathesis: every write endpoint, no 5xx" $((SCHEMATHESIS_SECS + 60)) bash -c "$(declare -f fuzz_api); $(declare -p ENVKEEP_BIN CACHE SCHEMATHESIS_VERSION SCHEMATHESIS_SECS ROOT); fuzz_api"

for name in "${failures[@]}"; do
    echo "failed: $name"
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
