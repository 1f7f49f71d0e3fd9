"""Processes and clients for the recovery suite: a local S3 (moto), Envkeep under
`litestream replicate -exec`, restores, a plain Envkeep to read a restored copy, and a small HTTP
client. Loopback only; every process is started here and ended here by its own id."""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ENVKEEP = os.environ["ENVKEEP_BIN"]
VENV_BIN = os.path.join(os.environ["RECOVERY_VENV"], "bin")
LITESTREAM = os.path.join(VENV_BIN, "litestream")
ADMIN_EMAIL = "recovery@example.com"
ADMIN_PASSWORD = "recovery-password-long"
# Litestream's intervals in these runs (README "Replication and recovery" explains them).
INTERVAL = "100ms"


def child_env(**extra):
    """The environment for Litestream and the servers: AWS_CA_BUNDLE breaks Litestream 0.5.17's
    S3 client ("unable to add custom RootCAs"), so it is dropped."""
    env = {k: v for k, v in os.environ.items() if k != "AWS_CA_BUNDLE" and not k.startswith("ENVKEEP_")}
    env.update(NO_COLOR="1", ENVKEEP_LOG_FORMAT="json", ENVKEEP_ADMIN_EMAIL=ADMIN_EMAIL,
               ENVKEEP_ADMIN_PASSWORD=ADMIN_PASSWORD, ENVKEEP_AUTH_FAILURE_LIMIT="0",
               ENVKEEP_SWEEP_SCHEDULE="off")
    env.update(extra)
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what, check, limit=30.0, every=0.02):
    deadline = time.monotonic() + limit
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {limit}s: {what}")
        time.sleep(every)


def exited(pid):
    """True once `pid` is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


class S3:
    """moto's S3 server on a free loopback port, with one bucket."""

    BUCKET = "envkeep-recovery"

    def __init__(self, workdir):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(workdir, "moto.log"), "w")
        self.proc = subprocess.Popen([os.path.join(VENV_BIN, "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=child_env())
        import boto3
        self.client = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                                   aws_access_key_id="recovery", aws_secret_access_key="recovery")

        def ready():
            try:
                self.client.create_bucket(Bucket=self.BUCKET)
                return True
            except Exception:
                return False
        wait_until("moto answers", ready, limit=60, every=0.2)

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


def litestream_config(path, db, s3, prefix):
    """One database, replicated to `prefix` in the bucket, both intervals at 100 ms."""
    with open(path, "w") as f:
        f.write(f"""dbs:
  - path: {db}
    monitor-interval: {INTERVAL}
    replica:
      type: s3
      bucket: {s3.BUCKET}
      path: {prefix}
      endpoint: {s3.endpoint}
      region: us-east-1
      force-path-style: true
      sync-interval: {INTERVAL}
      access-key-id: recovery
      secret-access-key: recovery
""")
    return path


def json_lines(path):
    with open(path, errors="replace") as f:
        for line in f:
            try:
                yield json.loads(line)
            except ValueError:
                continue


def listening_port(log):
    for line in json_lines(log):
        if line.get("fields", {}).get("message") == "envkeep listening":
            return line["fields"]["port"]
    return None


RUNNING = []


def end_all():
    """SIGKILLs every server a drill started and left running (a failed drill)."""
    for server in RUNNING:
        if server.proc.poll() is None:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait()
    RUNNING.clear()


class Server:
    """`envkeep serve` on port 0, alone or under `litestream replicate -exec`; its log is JSON."""

    def __init__(self, workdir, name, data_dir, config=None, database=None, args=(), wrap=(), **env):
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.log = open(self.log_path, "w")
        serve = [ENVKEEP, "serve", "--bind", "127.0.0.1:0", "--workers", "2", "--data-dir", data_dir, *args]
        if database:
            serve += ["--database", database]
        argv = [LITESTREAM, "replicate", "-config", config, "-exec", " ".join(serve)] if config else serve
        self.proc = subprocess.Popen([*wrap, *argv], stdout=self.log, stderr=subprocess.STDOUT, env=child_env(**env),
                                     start_new_session=True)
        RUNNING.append(self)
        try:
            self.port = wait_until(f"{name} listens (log {self.log_path})", self._port, limit=60)
            self.envkeep_pid = self._envkeep_pid() if config else self.proc.pid
        except BaseException:
            self.lose_machine()
            raise
        self.api = Api(self.port)

    def _port(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"exited with {self.proc.returncode}: {self.text()[-2000:]}")
        return listening_port(self.log_path)

    def _envkeep_pid(self):
        """Litestream's one child; Go starts it from any of its threads."""
        children = []
        for task in os.listdir(f"/proc/{self.proc.pid}/task"):
            with open(f"/proc/{self.proc.pid}/task/{task}/children") as f:
                children += [int(p) for p in f.read().split()]
        assert len(children) == 1, children
        return children[0]

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def kill_envkeep(self, sig=signal.SIGKILL):
        os.kill(self.envkeep_pid, sig)

    def lose_machine(self):
        """SIGKILL to Litestream and Envkeep at once: nothing gets to flush or upload."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.wait()

    def terminate(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.wait()

    def wait(self, limit=60):
        try:
            self.proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


def restore(config, db, out, *flags):
    """`litestream restore`; returns the seconds it took."""
    started = time.monotonic()
    subprocess.run([LITESTREAM, "restore", "-config", config, *flags, "-o", out, db], check=True,
                   env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
    return time.monotonic() - started


def check(path, data_dir):
    return subprocess.run([ENVKEEP, "check", path], env=child_env(ENVKEEP_DATA_DIR=data_dir),
                          capture_output=True, text=True, timeout=120)


def keys_in(db, path):
    """The secret keys stored in folder `path` of a database file (keys are not sealed)."""
    import sqlite3
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {k for (k,) in conn.execute("SELECT key FROM secrets WHERE path = ?", (path,))}
    finally:
        conn.close()


def new_data_dir(workdir, name, root_key_from=None):
    path = os.path.join(workdir, name)
    os.makedirs(path, mode=0o700)
    if root_key_from:
        shutil.copy(os.path.join(root_key_from, "root.key"), os.path.join(path, "root.key"))
    return path


class Api:
    """A keep-alive HTTP/1.1 client for one server; `call` returns (status, JSON or None)."""

    # The server closes a keep-alive connection idle for a few seconds; start a new one sooner.
    IDLE = 2.0

    def __init__(self, port):
        self.port = port
        self.conn = None
        self.used = 0.0

    def call(self, method, path, body=None, token=None, timeout=10):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if self.conn is not None and time.monotonic() - self.used > self.IDLE:
            self.conn.close()
            self.conn = None
        self.used = time.monotonic()
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = self.conn.getresponse()
            text = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, None

    def login(self):
        status, body = self.call("POST", "/api/v1/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        assert status == 200, (status, body)
        return body["token"]

    def create_project(self, token, name):
        status, body = self.call("POST", "/api/v1/projects", {"name": name}, token)
        assert status == 201, (status, body)
        return body["project"]["id"]

    def write(self, token, project, path, key, value):
        return self.call("POST", f"/api/v1/projects/{project}/secrets",
                         {"environment": "dev", "path": path, "key": key, "value": value}, token)[0]

    def read(self, token, project, path, key):
        return self.call("GET", f"/api/v1/projects/{project}/secrets/{key}?environment=dev&path={path}", None, token)

    def mint_reader(self, token, project, path):
        status, body = self.call("POST", f"/api/v1/projects/{project}/service-tokens", {
            "name": "reader", "scopes": [{"environment": "dev", "secretPath": path}],
            "permissions": ["read"], "expiresIn": None}, token)
        assert status == 201, (status, body)
        return body["token"]


def workdir():
    return tempfile.mkdtemp(prefix="envkeep-recovery-")
