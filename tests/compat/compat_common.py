"""Shared helpers for the Python client drivers (standard library only; imported by
py_legacy.py and py_sdk.py, which run in two different virtualenvs)."""

import json
import os
import sys
import traceback
import urllib.error
import urllib.parse
import urllib.request


def load_fixture():
    """-> (fixture, mode). mode is "all" (default) or "expired" (only the expired-token check,
    with fixture["tokens"]["expiring"] after it has expired)."""
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and sys.argv[2] != "expired"):
        print("usage: %s FIXTURE.json [expired]" % sys.argv[0], file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1], encoding="utf-8") as f:
        return json.load(f), (sys.argv[2] if len(sys.argv) == 3 else "all")


def short(value, limit=160):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "...(%d chars)" % len(text)


class Reporter:
    """Prints one `ok - ...` / `FAIL - ...` line per check, flushed immediately."""

    def __init__(self, client):
        self.client = client
        self.failed = 0
        self.passed = 0

    def ok(self, desc):
        self.passed += 1
        print("ok - %s: %s" % (self.client, desc), flush=True)

    def fail(self, desc, detail=""):
        self.failed += 1
        line = "FAIL - %s: %s" % (self.client, desc)
        if detail:
            line += " -- " + " ".join(str(detail).split("\n"))
        print(line, flush=True)

    def check(self, desc, cond, detail=""):
        if cond:
            self.ok(desc)
        else:
            self.fail(desc, detail)
        return cond

    def guard(self, desc, fn):
        """Run fn(); an unexpected exception is a failed check (the driver carries on)."""
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - any client exception is a failed check
            self.fail(desc, "%s: %s" % (type(exc).__name__, exc))
            if os.environ.get("ENVKEEP_COMPAT_VERBOSE"):
                traceback.print_exc()
            return None


class Recorder:
    """Collects (method, path?query, status) of every response a requests.Session sees.

    Attached as a requests response hook: the client itself is not modified, we only
    observe what it sends and what the server answered."""

    def __init__(self, client):
        self.client = client
        self.entries = []

    def hook(self, response, *args, **kwargs):
        req = response.request
        self.entries.append((req.method, req.path_url, response.status_code))
        if os.environ.get("ENVKEEP_COMPAT_VERBOSE"):
            print("# [%s] %s %s -> %d" % (self.client, req.method, req.path_url, response.status_code),
                  file=sys.stderr, flush=True)
        return response

    def attach(self, session):
        session.hooks.setdefault("response", []).append(self.hook)

    def mark(self):
        return len(self.entries)

    def since(self, mark):
        return self.entries[mark:]


def describe(entries):
    return ", ".join("%s %s -> %d" % e for e in entries) or "no HTTP request"


def raw_get(fixture, token, env, path, name):
    """Plain-HTTP read of one secret through the plaintext route, used to cross-check that
    an end-to-end-encrypted write was decrypted and stored correctly by the server.
    Returns (status, secretValue or None)."""
    access = ".".join(token.split(".")[:3])
    query = urllib.parse.urlencode(
        {"workspaceId": fixture["projectId"], "environment": env, "secretPath": path}
    )
    url = "%s/api/v3/secrets/raw/%s?%s" % (fixture["baseUrl"], urllib.parse.quote(name), query)
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + access})
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            body = json.loads(resp.read())
            return resp.status, body.get("secret", {}).get("secretValue")
    except urllib.error.HTTPError as err:
        return err.code, None


def expected_views(fixture):
    """(label, token name, environment, path, expected {key: value}) for every read view."""
    s = fixture["secrets"]
    return [
        ("single-scope token dev:/", "root", "dev", "/", s["dev"]["/"]),
        ("single-scope token dev:/app/db", "db", "dev", "/app/db", s["dev"]["/app/db"]),
        ("multi-scope glob token dev:/", "glob", "dev", "/", s["dev"]["/"]),
        ("multi-scope glob token dev:/app/db", "glob", "dev", "/app/db", s["dev"]["/app/db"]),
        ("multi-scope glob token staging:/", "glob", "staging", "/", s["staging"]["/"]),
    ]


def out_of_scope_views():
    """(label, token name, environment, path) that the server must refuse."""
    return [
        ("single-scope dev:/ token reading dev:/app/db", "root", "dev", "/app/db"),
        ("glob token (dev:/**, staging:/) reading prod:/", "glob", "prod", "/"),
    ]


def diff_maps(got, want):
    if got == want:
        return ""
    parts = []
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    wrong = sorted(k for k in set(got) & set(want) if got[k] != want[k])
    if missing:
        parts.append("missing %s" % missing)
    if extra:
        parts.append("unexpected %s" % extra)
    for k in wrong:
        parts.append("%s=%s want %s" % (k, short(got[k]), short(want[k])))
    return "; ".join(parts)
