"""The read-replica benchmark (BENCHMARKS.md, "Read replicas"): `read-20` (a service token listing
20 secrets of 64 bytes, `GET /api/v1/projects/{p}/secrets?environment=dev&path=/app`) against
the primary and against a replica on the Litestream VFS, in one run on one machine, in
alternating blocks so that the neighbours' load falls on both alike. wrk -t1 -c32 as in
benches/load.sh; servers, Litestream and moto on core 0, wrk on core 1 (when there are two)."""

import os
import re
import shutil
import subprocess
import sys
import time

import harness as h
from replicas import Pair

QUICK = os.environ.get("RECOVERY_BENCH_QUICK") == "1"
ROUNDS, SECONDS, WARMUP = (1, 3, 1) if QUICK else (3, 8, 2)
TARGET = 0.8


def wrk(port, token, path, seconds, pin):
    argv = ["wrk", "-t1", "-c32", f"-d{seconds}s", "--timeout", "5s", "--latency",
            "-H", f"Authorization: Bearer {token}", f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run([*pin, *argv], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    assert not bad and not errors, out
    return requests, p99


def main():
    two_cores = (os.cpu_count() or 1) >= 2
    servers_pin = ["taskset", "-c", "0"] if two_cores else []
    wrk_pin = ["taskset", "-c", "1"] if two_cores else []
    work = h.workdir()
    s3 = h.S3(work)
    try:
        pair = Pair(s3, work, wrap=servers_pin)
        for n in range(20):
            assert pair.primary.api.write(pair.session, pair.project, "/app", f"KEY_{n:02d}", "v" * 64) == 201
        h.wait_until("the replica has the 20 secrets", lambda: pair.replica_value("KEY_19") == "v" * 64,
                     limit=30, every=0.05)
        path = f"/api/v1/projects/{pair.project}/secrets?environment=dev&path=/app"
        totals = {"primary": 0, "replica": 0}
        p99s = {"primary": [], "replica": []}
        for _ in range(ROUNDS):
            for name, server in (("primary", pair.primary), ("replica", pair.replica)):
                wrk(server.port, pair.reader, path, WARMUP, wrk_pin)
                requests, p99 = wrk(server.port, pair.reader, path, SECONDS, wrk_pin)
                totals[name] += requests
                p99s[name].append(p99)
                print(f"{name}: {requests / SECONDS:,.0f} req/s, p99 {p99}", flush=True)
        ratio = totals["replica"] / totals["primary"]
        seconds = ROUNDS * SECONDS
        print(f"read-20 primary {totals['primary'] / seconds:,.0f} req/s, replica "
              f"{totals['replica'] / seconds:,.0f} req/s: replica/primary = {ratio:.2f} (target >= {TARGET})")
        return 0 if ratio >= TARGET else 1
    finally:
        h.end_all()
        s3.close()
        if os.environ.get("RECOVERY_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
