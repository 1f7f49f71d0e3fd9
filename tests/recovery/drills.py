"""The recovery drills against the release binary and Litestream 0.5.17 with S3 on moto.
One line per check (`ok - ...` / `FAIL - ...`), the measured numbers, then `N passed, M failed`."""

import os
import shutil
import signal
import sys
import threading
import time
import traceback

import harness as h

results = []


def drill(name):
    def wrap(fn):
        def run(s3):
            work = h.workdir()
            started = time.monotonic()
            try:
                note = fn(s3, work)
                results.append(True)
                print(f"ok - {name} ({time.monotonic() - started:.1f}s){': ' + note if note else ''}", flush=True)
                if os.environ.get("RECOVERY_KEEP") != "1":
                    shutil.rmtree(work, ignore_errors=True)
            except Exception:
                results.append(False)
                print(f"FAIL - {name} (files kept in {work})", flush=True)
                traceback.print_exc()
            finally:
                h.end_all()
        return run
    return wrap


class Writer(threading.Thread):
    """Writes `<prefix>00000`, `<prefix>00001`, … one after another into one folder until the
    server stops answering (or `stop` is set); keeps each acknowledged key with its time."""

    def __init__(self, api, token, project, folder, prefix):
        super().__init__(daemon=True)
        self.api, self.token, self.project, self.folder, self.prefix = api, token, project, folder, prefix
        self.acked = []
        self.stop = threading.Event()

    def run(self):
        n = 0
        while not self.stop.is_set():
            key = f"{self.prefix}{n:05d}"
            try:
                status = self.api.write(self.token, self.project, self.folder, key, f"value-{n}")
            except Exception:
                return
            if status != 201:
                return
            self.acked.append((key, time.monotonic()))
            n += 1

    def wait_for(self, count, limit=30):
        h.wait_until(f"{count} acknowledged writes", lambda: len(self.acked) >= count, limit=limit)


def loss(acked, restored, cut):
    """Checks the restored keys are a prefix of the acknowledged ones; returns (kept, lost,
    seconds of acknowledged writes lost before `cut`)."""
    keys = [k for k, _ in acked]
    kept = [k for k in keys if k in restored]
    assert kept == keys[:len(kept)], "the restored writes are not a prefix of the acknowledged ones"
    lost = acked[len(kept):]
    window = cut - lost[0][1] if lost else 0.0
    return len(kept), len(lost), window


def wait_replicated(work, config, db, api, token, project):
    """Writes a marker and waits until a restore has it: what was written before it (the session,
    the project, a token) is in the replica before a drill starts losing machines."""
    assert api.write(token, project, "/ready", "READY", "replicated") == 201
    probe = os.path.join(work, "probe.db")

    def restored():
        if os.path.exists(probe):
            os.remove(probe)
        try:
            h.restore(config, db, probe)
        except h.subprocess.CalledProcessError:
            return False  # nothing uploaded yet
        return "READY" in h.keys_in(probe, "/ready")
    h.wait_until("the marker reaches the replica", restored, limit=30, every=0.1)
    os.remove(probe)


def primary(s3, work, name, prefix, data_dir=None):
    data_dir = data_dir or h.new_data_dir(work, name)
    db = os.path.join(data_dir, "envkeep.db")
    config = h.litestream_config(os.path.join(work, f"{name}.yml"), db, s3, prefix)
    return h.Server(work, name, data_dir, config=config), data_dir, db, config


@drill("kill -9 of Envkeep under `litestream replicate -exec`: a restore holds every acknowledged write")
def killed_envkeep(s3, work):
    server, data_dir, db, config = primary(s3, work, "killed", "killed")
    token = server.api.login()
    project = server.api.create_project(token, "killed")
    writer = Writer(server.api, token, project, "/kill", "K")
    writer.start()
    writer.wait_for(200)
    server.kill_envkeep(signal.SIGKILL)
    writer.join(30)
    server.wait()  # Litestream exits when its child does, after a last sync
    out = os.path.join(h.new_data_dir(work, "restored", root_key_from=data_dir), "envkeep.db")
    h.restore(config, db, out)
    kept, lost, _ = loss(writer.acked, h.keys_in(out, "/kill"), time.monotonic())
    assert lost == 0, f"{lost} acknowledged writes missing from the restore"
    checked = h.check(out, os.path.dirname(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return f"{kept} acknowledged writes, all restored"


@drill("machine loss (Litestream and Envkeep killed): a prefix of the acknowledged writes, at most 0.5 s lost; tokens and sessions work")
def machine_loss(s3, work):
    vault = h.new_data_dir(work, "vault")  # the root key, kept apart from the machine
    server, data_dir, db, config = primary(s3, work, "lost", "lost")
    shutil.copy(os.path.join(data_dir, "root.key"), os.path.join(vault, "root.key"))
    session = server.api.login()
    project = server.api.create_project(session, "lost")
    server.api.write(session, project, "/loss", "FIRST", "before the loss")
    reader = server.api.mint_reader(session, project, "/loss")
    wait_replicated(work, config, db, server.api, session, project)
    writer = Writer(server.api, session, project, "/loss", "L")
    writer.start()
    writer.wait_for(300)
    cut = time.monotonic()
    server.lose_machine()
    writer.join(30)
    restored_dir = h.new_data_dir(work, "restored", root_key_from=vault)
    out = os.path.join(restored_dir, "envkeep.db")
    seconds = h.restore(config, db, out, "-if-db-not-exists", "-if-replica-exists")
    kept, lost, window = loss(writer.acked, h.keys_in(out, "/loss"), cut)
    assert window <= 0.5, f"lost {lost} writes, {window:.3f}s of them"
    checked = h.check(out, restored_dir)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    standby = h.Server(work, "standby", restored_dir)
    try:
        status, body = standby.api.call("GET", "/api/v1/projects", None, session)
        assert status == 200, ("the admin session after the restore", status, body)
        status, body = standby.api.read(reader, project, "/loss", "FIRST")
        assert status == 200 and body["secret"]["value"] == "before the loss", ("the service token", status, body)
    finally:
        standby.terminate()
    return f"{kept} of {kept + lost} acknowledged writes restored, {window * 1000:.0f} ms lost; restore {seconds:.2f}s"


@drill("failover drill: A lost, B restored and serving, B's writes replicated, a third restore has A's and B's; a follower's copy is refused")
def failover(s3, work):
    vault = h.new_data_dir(work, "vault")
    a, a_dir, a_db, a_config = primary(s3, work, "a", "failover")
    shutil.copy(os.path.join(a_dir, "root.key"), os.path.join(vault, "root.key"))
    session = a.api.login()
    project = a.api.create_project(session, "failover")
    wait_replicated(work, a_config, a_db, a.api, session, project)
    writer = Writer(a.api, session, project, "/a", "A")
    writer.start()
    writer.wait_for(400)
    cut = time.monotonic()
    a.lose_machine()
    writer.join(30)

    # The runbook on machine B: restore, check, start; same replica path.
    b_dir = h.new_data_dir(work, "b", root_key_from=vault)
    b_db = os.path.join(b_dir, "envkeep.db")
    b_config = h.litestream_config(os.path.join(work, "b.yml"), b_db, s3, "failover")
    h.restore(b_config, b_db, b_db, "-if-db-not-exists", "-if-replica-exists")
    checked = h.check(b_db, b_dir)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    kept_a, _, window = loss(writer.acked, h.keys_in(b_db, "/a"), cut)
    b = h.Server(work, "b", b_dir, config=b_config)
    try:
        # Litestream on B has taken the replica's position; writes before that line once failed
        # to reach the replica (README "Replication and recovery").
        h.wait_until("B's Litestream takes the replica's position",
                     lambda: "fetched latest L0 file from replica" in b.text(), limit=30)
        b_keys = [f"B{n:03d}" for n in range(50)]
        for key in b_keys:
            assert b.api.write(session, project, "/b", key, "written on B") == 201
        c_dir = h.new_data_dir(work, "c", root_key_from=vault)
        c_db = os.path.join(c_dir, "envkeep.db")

        def third_restore_has_b():
            if os.path.exists(c_db):
                os.remove(c_db)
            h.restore(b_config, b_db, c_db)
            return set(b_keys) <= h.keys_in(c_db, "/b")
        h.wait_until("B's writes reach the replica", third_restore_has_b, limit=20, every=0.2)
        kept_c, _, _ = loss(writer.acked, h.keys_in(c_db, "/a"), cut)
        assert kept_c == kept_a, "the third restore lost writes of A that B had"
        assert "READY" in h.keys_in(c_db, "/ready"), "the third restore lost what A replicated"
        follower_refused(work, b_config, b_db, vault)
    finally:
        b.terminate()
    return f"A: {kept_a} writes restored on B ({window * 1000:.0f} ms lost), B: {len(b_keys)} writes; the third restore has both"


def follower_refused(work, config, db, vault):
    """`litestream restore -f` follows the replica into a copy; `envkeep serve` on it refuses."""
    followed = os.path.join(work, "followed.db")
    log = open(os.path.join(work, "follower.log"), "w")
    follower = h.subprocess.Popen([h.LITESTREAM, "restore", "-f", "-config", config, "-o", followed, db],
                                  stdout=log, stderr=h.subprocess.STDOUT, env=h.child_env())
    try:
        h.wait_until("the follower follows", lambda: "entering follow mode" in open(log.name).read(), limit=30)
        with open(os.path.join(vault, "root.key")) as f:
            key = f.read().strip()
        started = time.monotonic()
        refused = h.subprocess.run([h.ENVKEEP, "serve", "--bind", "127.0.0.1:0", "--data-dir",
                                    h.new_data_dir(work, "second"), "--database", followed],
                                   env=h.child_env(ENVKEEP_ROOT_KEY=key), capture_output=True, text=True, timeout=30)
        assert refused.returncode != 0, "a second server started on the followed copy"
        assert "litestream restore -f" in refused.stderr, refused.stderr
        assert "Replication and recovery" in refused.stderr, refused.stderr
        assert time.monotonic() - started < 5
    finally:
        follower.terminate()
        follower.wait(timeout=30)
        log.close()


@drill("shutdown beside Litestream: under 2 s, and the log says the checkpoint is incomplete")
def shutdown(s3, work):
    server, data_dir, db, config = primary(s3, work, "shutdown", "shutdown")
    token = server.api.login()
    project = server.api.create_project(token, "shutdown")
    for n in range(100):
        assert server.api.write(token, project, "/s", f"S{n:03d}", "v") == 201
    time.sleep(0.5)  # let Litestream pick up the writes and hold its read transaction again
    started = time.monotonic()
    server.kill_envkeep(signal.SIGTERM)
    h.wait_until("Envkeep exits", lambda: h.exited(server.envkeep_pid), limit=15, every=0.01)
    took = time.monotonic() - started
    server.wait()
    log = server.text()
    assert took < 2.0, f"shutdown took {took:.2f}s"
    assert "checkpoint incomplete" in log, "no incomplete checkpoint logged:\n" + log[-3000:]
    assert "database checkpointed" not in log
    return f"stopped in {took:.2f}s"


def main():
    s3_dir = h.workdir()
    s3 = h.S3(s3_dir)
    try:
        for run in (killed_envkeep, machine_loss, failover, shutdown):
            run(s3)
    finally:
        s3.close()
        shutil.rmtree(s3_dir, ignore_errors=True)
    import replicas  # the read replicas (issue 23), on an S3 of their own
    replicas.run_all(results)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
