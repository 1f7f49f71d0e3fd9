"""The replication benchmark (BENCHMARKS.md, "Replication and recovery"): Envkeep under
`litestream replicate -exec` with both intervals at 100 ms and S3 on moto, all on loopback.

1. Replication lag at 50 writes/s: each write's time from its 201 until a standby following the
   replica (`litestream restore -f -follow-interval 20ms`) has it.
2. Restore of 20,000 secrets: `litestream restore` from S3, then `envkeep serve` on the copy until
   its first 200.
3. `write` latency with and without Litestream attached, in one run, alternating blocks."""

import os
import sqlite3
import statistics
import subprocess
import threading
import time

import harness as h

QUICK = os.environ.get("RECOVERY_BENCH_QUICK") == "1"  # a short run, to try the script
RATE = 50
LAG_SECONDS = 3 if QUICK else 20
RESTORE_SECRETS = 2_000 if QUICK else 20_000
WRITE_BLOCKS, WRITE_BLOCK = (2, 50) if QUICK else (8, 250)


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def newest_key(db, folder):
    """The highest key in `folder` of a file another process writes in place: read without locks
    (`immutable`); a torn read is retried at the next poll."""
    try:
        conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
        try:
            row = conn.execute("SELECT max(key) FROM secrets WHERE path = ?", (folder,)).fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def lag(s3, work):
    data_dir = h.new_data_dir(work, "lag")
    db = os.path.join(data_dir, "envkeep.db")
    config = h.litestream_config(os.path.join(work, "lag.yml"), db, s3, "lag")
    server = h.Server(work, "lag", data_dir, config=config)
    token = server.api.login()
    project = server.api.create_project(token, "lag")
    server.api.write(token, project, "/lag", "A00000", "first")
    followed = os.path.join(work, "followed.db")
    log = open(os.path.join(work, "follower.log"), "w")
    follower = subprocess.Popen([h.LITESTREAM, "restore", "-f", "-follow-interval", "20ms", "-config", config,
                                 "-o", followed, db], stdout=log, stderr=subprocess.STDOUT, env=h.child_env())
    seen = {}
    done = threading.Event()

    def watch():
        while not done.is_set():
            key = newest_key(followed, "/lag") if os.path.exists(followed) else None
            if key and key not in seen:
                seen[key] = time.monotonic()
            time.sleep(0.002)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    h.wait_until("the follower has the first write", lambda: "A00000" in seen, limit=30)
    acked = []
    start = time.monotonic()
    for n in range(1, RATE * LAG_SECONDS + 1):
        time.sleep(max(0.0, start + n / RATE - time.monotonic()))
        key = f"A{n:05d}"
        assert server.api.write(token, project, "/lag", key, f"v{n}") == 201
        acked.append((key, time.monotonic()))
    last = acked[-1][0]
    h.wait_until("the follower has the last write", lambda: any(k >= last for k in seen), limit=30)
    done.set()
    watcher.join()
    follower.terminate()
    follower.wait(timeout=30)
    server.terminate()
    marks = sorted(seen.items())
    lags = []
    for key, at in acked:
        first = min(t for k, t in marks if k >= key)
        lags.append(first - at)
    return (f"replication lag at {RATE} writes/s for {LAG_SECONDS}s ({len(lags)} writes): "
            f"p50 {pct(lags, 50) * 1000:.0f} ms, p99 {pct(lags, 99) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms")


def fill(api, token, project, count, threads=4):
    def run(first):
        client = h.Api(api.port)
        for n in range(first, count, threads):
            assert client.write(token, project, "/bulk", f"B{n:05d}", f"value-{n:05d}-" + "x" * 32) == 201
    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def restore_20k(s3, work):
    data_dir = h.new_data_dir(work, "bulk")
    db = os.path.join(data_dir, "envkeep.db")
    config = h.litestream_config(os.path.join(work, "bulk.yml"), db, s3, "bulk")
    server = h.Server(work, "bulk", data_dir, config=config)
    token = server.api.login()
    project = server.api.create_project(token, "bulk")
    started = time.monotonic()
    fill(server.api, token, project, RESTORE_SECRETS)
    filled = time.monotonic() - started
    wal_size = lambda: os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0  # noqa: E731
    wal = wal_size()
    # Litestream checkpoints on its next sync; the WAL restarts at the next write, cut back.
    time.sleep(2)
    for n in range(2):
        assert server.api.write(token, project, "/settle", f"S{n}", "v") == 201
        time.sleep(0.5)
    wal_settled = wal_size()
    probe = os.path.join(work, "probe.db")

    def replicated():
        if os.path.exists(probe):
            os.remove(probe)
        h.restore(config, db, probe)
        return len(h.keys_in(probe, "/bulk")) == RESTORE_SECRETS
    h.wait_until("every secret reaches the replica", replicated, limit=60, every=0.2)
    server.terminate()
    times, serve_times = [], []
    for run in range(3):
        target = h.new_data_dir(work, f"restore{run}", root_key_from=data_dir)
        out = os.path.join(target, "envkeep.db")
        times.append(h.restore(config, db, out))
        started = time.monotonic()
        standby = h.Server(work, f"standby{run}", target)
        status, body = standby.api.read(token, project, "/bulk", f"B{RESTORE_SECRETS - 1:05d}")
        serve_times.append(time.monotonic() - started)
        assert status == 200, (status, body)
        standby.terminate()
    # The same after Litestream has written a snapshot: one file to fetch instead of many.
    subprocess.run([h.LITESTREAM, "replicate", "-config", config, "-once", "-force-snapshot"], check=True,
                   env=h.child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    snapshot_times = []
    for run in range(3):
        out = os.path.join(h.new_data_dir(work, f"snapshot{run}"), "envkeep.db")
        snapshot_times.append(h.restore(config, db, out))
        assert len(h.keys_in(out, "/bulk")) == RESTORE_SECRETS
    return (f"{RESTORE_SECRETS:,} secrets written in {filled:.1f}s (4 clients); WAL {wal / 1e6:.1f} MB right after, "
            f"{wal_settled / 1e6:.1f} MB after Litestream's checkpoint and two more writes; "
            f"restore from the incremental files {statistics.median(times):.2f}s "
            f"(median of 3: {', '.join(f'{t:.2f}' for t in times)}), from a snapshot "
            f"{statistics.median(snapshot_times):.2f}s (median of 3: {', '.join(f'{t:.2f}' for t in snapshot_times)}); "
            f"then `envkeep serve` to its first 200: {statistics.median(serve_times):.2f}s")


def wal_without_litestream(s3, work):
    """The WAL after the same 20,000 writes with nothing else on the file: capped by
    `journal_size_limit` each time SQLite restarts it."""
    data_dir = h.new_data_dir(work, "walcap")
    server = h.Server(work, "walcap", data_dir)
    token = server.api.login()
    project = server.api.create_project(token, "walcap")
    fill(server.api, token, project, RESTORE_SECRETS)
    wal = os.path.join(data_dir, "envkeep.db-wal")
    size = os.path.getsize(wal) if os.path.exists(wal) else 0
    server.terminate()
    return f"without Litestream, the WAL after {RESTORE_SECRETS:,} writes: {size / 1e6:.1f} MB"


def write_ratio(s3, work):
    plain_dir = h.new_data_dir(work, "plain")
    plain = h.Server(work, "plain", plain_dir)
    attached_dir = h.new_data_dir(work, "attached")
    attached_db = os.path.join(attached_dir, "envkeep.db")
    config = h.litestream_config(os.path.join(work, "attached.yml"), attached_db, s3, "ratio")
    attached = h.Server(work, "attached", attached_dir, config=config)
    runs = {}
    for name, server in (("plain", plain), ("attached", attached)):
        token = server.api.login()
        runs[name] = (server, token, server.api.create_project(token, "ratio"), [])
    for block in range(WRITE_BLOCKS):
        for name in ("plain", "attached") if block % 2 == 0 else ("attached", "plain"):
            server, token, project, latencies = runs[name]
            for n in range(WRITE_BLOCK):
                started = time.monotonic()
                assert server.api.write(token, project, "/w", f"W{block:02d}{n:04d}", "value") == 201
                latencies.append(time.monotonic() - started)
    plain.terminate()
    attached.terminate()
    lines = []
    for name in ("plain", "attached"):
        latencies = runs[name][3]
        lines.append(f"{name}: {len(latencies) / sum(latencies):.0f} writes/s, p50 {pct(latencies, 50) * 1000:.2f} ms, "
                     f"p99 {pct(latencies, 99) * 1000:.2f} ms")
    ratio = sum(runs["attached"][3]) / sum(runs["plain"][3])
    return f"sequential writes, {WRITE_BLOCKS * WRITE_BLOCK} each, alternating blocks: " + "; ".join(lines) + \
        f"; time with Litestream / without = {ratio:.2f}"


def main():
    work = h.workdir()
    s3 = h.S3(work)
    try:
        for measure in (write_ratio, lag, restore_20k, wal_without_litestream):
            print(measure(s3, work), flush=True)
    finally:
        h.end_all()
        s3.close()
    print(f"(files in {work})")


if __name__ == "__main__":
    main()
