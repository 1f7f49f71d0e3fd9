#!/usr/bin/env python3
"""Harness helpers for tests/compat/run.sh (standard library only).

Subcommands:
  free-port                      print a free TCP port on 127.0.0.1
  wait-health URL PID TIMEOUT    poll GET URL until 200; fail early if PID dies
  seed BASE EMAIL PASSWORD OUT   seed a project, secrets and service tokens through
                                 Envkeep's native API and write the fixture JSON to OUT
  mint BASE FIXTURE NAME ENV PATH PERMS EXPIRES
                                 mint one more single-scope service token and store it in
                                 the fixture as tokens[NAME] (admin credentials are read
                                 from ENVKEEP_ADMIN_EMAIL / ENVKEEP_ADMIN_PASSWORD)

The fixture is what the per-client drivers read: base URL, project id, tokens and the
exact secrets expected in each (environment, path).
"""

import json
import os
import secrets
import socket
import sys
import time
import urllib.error
import urllib.request

# What gets seeded, and therefore what every client must see, exactly.
# Keys are unique across all folders so no client-side cache can mix them up.
SEED = {
    "dev": {
        "/": {
            "API_KEY": "abc123",
            "EMPTY_VALUE": "",
            "MULTI_LINE": "-----BEGIN TEST-----\nline two\n\tindented line three\n-----END TEST-----",
            "UNICODE_TEXT": "héllo wörld ✓",
        },
        "/app/db": {
            "DB_PASSWORD": "hunter2",
            "DB_EMPTY": "",
            "DB_CERT": "first line\nsecond line\nthird line",
            "DB_UNICODE": "pässwörd ✓ 日本語",
        },
    },
    "staging": {
        "/": {
            "STAGING_URL": "https://staging.example.invalid/path?q=1&r=2",
            "STAGING_EMPTY": "",
            "STAGING_MULTI": "a\nb\nc",
            "STAGING_UNICODE": "ünïcödé ✓",
        },
    },
    "prod": {
        "/": {
            # Used by the read-only refusal checks: must survive every refused write.
            "PROD_EXISTING": "keep-me",
        },
    },
}

# name -> (scopes, permissions, expiresIn)
TOKENS = {
    # single non-glob scope, read only
    "root": ([("dev", "/")], ["read"], None),
    # single non-glob scope on the nested folder
    "db": ([("dev", "/app/db")], ["read"], None),
    # multi-scope with a glob: clients must send workspaceId/environment/secretPath
    "glob": ([("dev", "/**"), ("staging", "/")], ["read"], None),
    # write token and a read-only token with the same scope (refusal is about permission only)
    "write": ([("prod", "/**")], ["read", "write"], None),
    "prodRead": ([("prod", "/**")], ["read"], None),
}


class HttpError(Exception):
    pass


def request(method, url, body=None, bearer=None, expect=(200,)):
    data = None
    headers = {"Accept": "application/json"}
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if bearer:
        headers["Authorization"] = "Bearer " + bearer
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    if status not in expect:
        raise HttpError(
            "%s %s -> %s (expected %s): %s"
            % (method, url, status, "/".join(map(str, expect)), raw[:500].decode("utf-8", "replace"))
        )
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError as err:
        raise HttpError("%s %s -> %s: body is not JSON: %r" % (method, url, status, raw[:200])) from err


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); look at /proc when we can.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def wait_health(url, pid, timeout):
    deadline = time.monotonic() + timeout
    last = "no answer"
    delay = 0.02
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            print("server process %d exited before %s answered 200 (last: %s)" % (pid, url, last), file=sys.stderr)
            return 1
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return 0
                last = "HTTP %d" % resp.status
        except urllib.error.HTTPError as err:
            last = "HTTP %d" % err.code
        except (urllib.error.URLError, OSError) as err:
            last = str(err)
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
    print("timed out after %ss waiting for %s (last: %s)" % (timeout, url, last), file=sys.stderr)
    return 1


def mint_token(base, admin, project_id, name, scopes, permissions, expires_in):
    body = {
        "name": name,
        "scopes": [{"environment": e, "secretPath": p} for e, p in scopes],
        "permissions": permissions,
        "expiresIn": expires_in,
    }
    res = request("POST", "%s/api/v1/projects/%s/service-tokens" % (base, project_id), body, admin, expect=(201,))
    token = res.get("token") if isinstance(res, dict) else None
    if not isinstance(token, str) or not token.startswith("st.") or token.count(".") != 3:
        raise HttpError("service-token create returned no 4-part 'token': %r" % (res,))
    return token


def login(base, email, password):
    res = request("POST", base + "/api/v1/auth/login", {"email": email, "password": password})
    if not isinstance(res, dict) or not isinstance(res.get("token"), str):
        raise HttpError("login returned no token: %r" % (res,))
    return res["token"]


def seed(base, email, password, out):
    admin = login(base, email, password)
    res = request(
        "POST", base + "/api/v1/projects", {"name": "compat-" + secrets.token_hex(3)}, admin, expect=(201,)
    )
    project = res["project"]
    project_id = project["id"]
    slugs = {e.get("slug") for e in project.get("environments", [])}
    missing = {"dev", "staging", "prod"} - slugs
    if missing:
        raise HttpError("new project lacks environments %s: %r" % (sorted(missing), project))

    for env, folders in SEED.items():
        for path, kv in folders.items():
            for key, value in kv.items():
                request(
                    "POST",
                    "%s/api/v1/projects/%s/secrets" % (base, project_id),
                    {"environment": env, "path": path, "key": key, "value": value,
                     "comment": "seeded by tests/compat"},
                    admin,
                    expect=(201,),
                )

    tokens = {}
    for name, (scopes, perms, expires) in TOKENS.items():
        tokens[name] = mint_token(base, admin, project_id, "compat-" + name, scopes, perms, expires)

    # Same token id and key, wrong secret part (still 32 lowercase hex, so every client
    # accepts its format and the server is what must refuse it).
    st, tid, sec, key = tokens["root"].split(".")
    wrong = secrets.token_hex(16)
    while wrong == sec:
        wrong = secrets.token_hex(16)
    tokens["wrongSecret"] = ".".join([st, tid, wrong, key])

    from parity_seed import seed_parity

    fixture = {
        "baseUrl": base,
        "projectId": project_id,
        "tokens": tokens,
        "secrets": SEED,
        "writeEnv": "prod",
        "writePath": "/",
        "parity": seed_parity(base, admin, request, mint_token),
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=2)
    return 0


def mint_cmd(base, fixture_path, name, env, path, perms, expires):
    with open(fixture_path, encoding="utf-8") as f:
        fixture = json.load(f)
    admin = login(base, os.environ["ENVKEEP_ADMIN_EMAIL"], os.environ["ENVKEEP_ADMIN_PASSWORD"])
    exp = None if expires in ("null", "") else int(expires)
    fixture["tokens"][name] = mint_token(
        base, admin, fixture["projectId"], "compat-" + name, [(env, path)], perms.split(","), exp)
    with open(fixture_path, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=2)
    return 0


def expire_cmd(db_path, fixture_path, name):
    """Moves a never-used token's expiry into the past in the server's SQLite file, as the
    passage of time would (the API's shortest expiry is 60 s). The server checks expiry on every
    request, and an unused token is not in its memory yet, so the next use sees the new value."""
    import sqlite3
    with open(fixture_path, encoding="utf-8") as f:
        fixture = json.load(f)
    token_id = fixture["tokens"][name].split(".")[1]
    conn = sqlite3.connect(db_path, timeout=10)
    with conn:
        changed = conn.execute(
            "UPDATE service_tokens SET expires_at = CAST(strftime('%s','now') AS INTEGER) * 1000 - 1000 WHERE id = ?",
            (token_id,)).rowcount
    conn.close()
    if changed != 1:
        print("expire: token %s not found" % token_id, file=sys.stderr)
        return 1
    return 0


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[0], argv[1:]
    try:
        if cmd == "free-port":
            print(free_port())
            return 0
        if cmd == "wait-health":
            return wait_health(args[0], int(args[1]), float(args[2]))
        if cmd == "seed":
            return seed(*args)
        if cmd == "mint":
            return mint_cmd(*args)
        if cmd == "expire":
            return expire_cmd(*args)
    except (HttpError, KeyError, TypeError, urllib.error.URLError, OSError) as err:
        print("%s failed: %s: %s" % (cmd, type(err).__name__, err), file=sys.stderr)
        return 1
    print("unknown subcommand %r" % cmd, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
