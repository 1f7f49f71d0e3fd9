"""Read replicas (issue 23): `envkeep serve --replica` reading the primary's Litestream replica
through the Litestream VFS (litestream-vfs 0.5.17), both on one S3 (moto) of their own, so that
the last check can make the replica's storage unreadable without touching the drills' S3.

One primary (under `litestream replicate -exec`) and one replica serve every check, in order;
each check is one behaviour."""

import os
import shutil
import statistics
import time
import traceback

import harness as h

VFS = os.environ["RECOVERY_VFS"]
MAX_LAG = 2  # seconds: ENVKEEP_REPLICA_MAX_LAG for the replica here
POLL = "200ms"  # ENVKEEP_REPLICA_POLL_INTERVAL
DEADLINE = 2.0  # what the issue allows between a primary's write and the replica's answer


class Pair:
    """The primary, its session and project, a read token, and the replica."""

    def __init__(self, s3, work, wrap=()):
        self.s3 = s3
        data_dir = h.new_data_dir(work, "primary")
        db = os.path.join(data_dir, "envkeep.db")
        config = h.litestream_config(os.path.join(work, "primary.yml"), db, s3, "replicated")
        self.primary = h.Server(work, "primary", data_dir, config=config, wrap=wrap)
        self.session = self.primary.api.login()
        self.project = self.primary.api.create_project(self.session, "replicated")
        assert self.primary.api.write(self.session, self.project, "/app", "FIRST", "one") == 201
        self.reader = self.primary.api.mint_reader(self.session, self.project, "/app")
        with open(os.path.join(data_dir, "root.key")) as f:
            root_key = f.read().strip()
        self.primary_url = f"http://127.0.0.1:{self.primary.port}"
        # No writable data directory: its parent is a regular file, which not even root can
        # create a directory in.
        not_a_dir = os.path.join(work, "not-a-directory")
        open(not_a_dir, "w").close()
        self.data_dir = os.path.join(not_a_dir, "data")
        self.replica = h.Server(
            work, "replica", self.data_dir, args=["--replica"],
            ENVKEEP_PRIMARY_URL=self.primary_url, ENVKEEP_LITESTREAM_VFS=VFS,
            ENVKEEP_REPLICA_URL=(f"s3://{s3.BUCKET}/replicated?endpoint={s3.endpoint}"
                                 "&region=us-east-1&forcePathStyle=true"),
            AWS_ACCESS_KEY_ID="recovery", AWS_SECRET_ACCESS_KEY="recovery",
            ENVKEEP_ROOT_KEY=root_key, ENVKEEP_REPLICA_MAX_LAG=f"{MAX_LAG}s",
            ENVKEEP_REPLICA_POLL_INTERVAL=POLL, wrap=wrap)

    def replica_value(self, key, token=None):
        status, body = self.replica.api.read(token or self.reader, self.project, "/app", key)
        return body["secret"]["value"] if status == 200 else status


PAIR = {}
results = []  # drills.main's list, given to run_all


def drill(name):
    """As drills.drill, but the servers stay up for the next check (they share one pair)."""
    def wrap(fn):
        def run(s3):
            work = h.workdir()
            started = time.monotonic()
            try:
                note = fn(s3, work)
                results.append(True)
                print(f"ok - {name} ({time.monotonic() - started:.1f}s){': ' + note if note else ''}", flush=True)
                shutil.rmtree(work, ignore_errors=True)
            except Exception:
                results.append(False)
                print(f"FAIL - {name} (files kept in {work})", flush=True)
                traceback.print_exc()
        return run
    return wrap


@drill("a replica starts with no writable data directory, ENVKEEP_ROOT_KEY and the primary's replica")
def starts_read_only(s3, work):
    pair = PAIR["pair"] = Pair(s3, PAIR["work"])
    h.wait_until("the replica serves the token minted on the primary",
                 lambda: pair.replica_value("FIRST") == "one", limit=30, every=0.05)
    assert not os.path.exists(pair.data_dir)


@drill("a replica refuses to start without ENVKEEP_PRIMARY_URL")
def needs_primary_url(s3, work):
    refused = h.subprocess.run(
        [h.ENVKEEP, "serve", "--replica", "--bind", "127.0.0.1:0", "--data-dir", work],
        env=h.child_env(ENVKEEP_LITESTREAM_VFS=VFS, LITESTREAM_REPLICA_URL="s3://x/y"),
        capture_output=True, text=True, timeout=30)
    assert refused.returncode == 2, (refused.returncode, refused.stderr)
    assert "ENVKEEP_PRIMARY_URL" in refused.stderr, refused.stderr


@drill(f"a write on the primary is readable on the replica within {DEADLINE:.0f} s (native and Infisical routes)")
def write_reaches_replica(s3, work):
    pair = PAIR["pair"]
    lags = []
    for n in range(10):
        key = f"K{n:02d}"
        assert pair.primary.api.write(pair.session, pair.project, "/app", key, f"v{n}") == 201
        written = time.monotonic()
        h.wait_until(f"{key} on the replica", lambda: pair.replica_value(key) == f"v{n}",
                     limit=DEADLINE, every=0.01)
        lags.append(time.monotonic() - written)
    status, body = pair.replica.api.call(
        "GET", f"/api/v3/secrets/raw?workspaceId={pair.project}&environment=dev&secretPath=/app",
        None, pair.reader)
    assert status == 200, (status, body)
    assert {"FIRST", "K09"} <= {s["secretKey"] for s in body["secrets"]}, body
    return (f"write to replica read: median {statistics.median(lags) * 1000:.0f} ms, "
            f"max {max(lags) * 1000:.0f} ms over {len(lags)} writes")


@drill(f"a token revoked on the primary is refused by the replica within {DEADLINE:.0f} s")
def revocation_reaches_replica(s3, work):
    pair = PAIR["pair"]
    token = pair.primary.api.mint_reader(pair.session, pair.project, "/app")
    h.wait_until("the new token works on the replica",
                 lambda: pair.replica_value("FIRST", token) == "one", limit=10, every=0.02)
    token_id = token.split(".")[1]
    status, _ = pair.primary.api.call(
        "DELETE", f"/api/v1/projects/{pair.project}/service-tokens/{token_id}", None, pair.session)
    assert status == 204, status
    revoked = time.monotonic()
    h.wait_until("the replica refuses the revoked token",
                 lambda: pair.replica_value("FIRST", token) == 401, limit=DEADLINE, every=0.01)
    return f"refused {(time.monotonic() - revoked) * 1000:.0f} ms after the revocation"


@drill("a write sent to the replica is a 503 ReadOnlyReplica naming the primary; so is a login")
def writes_go_to_primary(s3, work):
    pair = PAIR["pair"]
    status, body = pair.replica.api.call(
        "POST", f"/api/v1/projects/{pair.project}/secrets",
        {"environment": "dev", "path": "/app", "key": "NEW", "value": "x"}, pair.reader)
    assert status == 503, (status, body)
    assert body["error"] == "ReadOnlyReplica", body
    assert pair.primary_url in body["message"], body
    assert body["primaryUrl"] == pair.primary_url, body
    status, body = pair.replica.api.call(
        "POST", "/api/v1/auth/login", {"email": h.ADMIN_EMAIL, "password": h.ADMIN_PASSWORD})
    assert (status, body["error"]) == (503, "ReadOnlyReplica"), (status, body)


@drill("a UI page on the replica is a 307 to the same page on the primary")
def pages_redirect(s3, work):
    pair = PAIR["pair"]
    conn = h.http.client.HTTPConnection("127.0.0.1", pair.replica.port, timeout=10)
    try:
        conn.request("GET", "/projects?tab=all")
        answer = conn.getresponse()
        answer.read()
    finally:
        conn.close()
    assert answer.status == 307, answer.status
    assert answer.getheader("Location") == f"{pair.primary_url}/projects?tab=all", answer.getheader("Location")


@drill(f"/healthz reports the lag, and turns 503 once the storage is unreadable for over {MAX_LAG} s")
def health_follows_lag(s3, work):
    pair = PAIR["pair"]
    status, body = pair.replica.api.call("GET", "/healthz")
    assert status == 200 and body["role"] == "replica" and isinstance(body["lag"], int), (status, body)
    assert body["lag"] <= MAX_LAG, body
    pair.primary.lose_machine()
    s3.close()  # the replica's storage is gone
    cut = time.monotonic()
    h.wait_until("/healthz answers 503", lambda: pair.replica.api.call("GET", "/healthz")[0] == 503,
                 limit=MAX_LAG + 5, every=0.05)
    took = time.monotonic() - cut
    status, body = pair.replica.api.call("GET", "/healthz")
    assert body["status"] == "unavailable" and body["lag"] > MAX_LAG, body
    assert took > MAX_LAG, f"503 after {took:.1f}s, before the maximum lag"
    assert pair.replica_value("FIRST") == 503, "a stale replica still serves reads"
    return f"503 {took:.1f} s after the storage went, lag {body['lag']} s"


def run_all(drill_results):
    """Runs the checks on an S3 of their own (the last one stops it), adding to
    `drill_results`."""
    global results
    results = drill_results
    s3_dir = PAIR["work"] = h.workdir()
    s3 = h.S3(s3_dir)
    passed_before = sum(results)
    try:
        for check in (starts_read_only, needs_primary_url, write_reaches_replica,
                      revocation_reaches_replica, writes_go_to_primary, pages_redirect,
                      health_follows_lag):
            check(s3)
            if "pair" not in PAIR:
                break  # the pair did not start: the other checks cannot run
    finally:
        h.end_all()
        if s3.proc.poll() is None:
            s3.close()
        if sum(results) - passed_before == 7 and os.environ.get("RECOVERY_KEEP") != "1":
            shutil.rmtree(s3_dir, ignore_errors=True)
        else:
            print(f"# the replica checks' files (servers' logs) are in {s3_dir}")
