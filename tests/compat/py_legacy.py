"""Driver for PyPI `infisical==1.6.0` (legacy Python SDK, end-to-end-encrypted API).

What this client does with a service token `st.<id>.<secret>.<key>` (read from its source):
  * the constructor fullmatches (st\\.[a-f0-9-]+\\.[a-f0-9]+)\\.([a-f0-9]+) and sends
    `Authorization: Bearer st.<id>.<secret>`; it keeps <key> to unwrap the project key;
  * GET /api/v2/service-token once per client (projectId = workspace id);
  * GET /api/v3/secrets, GET|POST|PATCH|DELETE /api/v3/secrets/<name>;
  * it never raises on HTTP errors: every failure becomes a fallback read from os.environ
    (KeyError when the variable is absent), so refusals are told apart through the
    HTTP statuses observed with a requests response hook.
Usage: python py_legacy.py FIXTURE.json   (run in the venv that has infisical==1.6.0)
"""

import contextlib
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from compat_common import (  # noqa: E402
    Recorder,
    Reporter,
    describe,
    diff_maps,
    expected_views,
    load_fixture,
    out_of_scope_views,
    raw_get,
    short,
)

CLIENT = "py-legacy (infisical==1.6.0)"
WRITE_NAME = "PY_LEGACY_WRITE"
DENIED_NAME = "PY_LEGACY_DENIED"
VALUE_1 = "créé par py-legacy ✓\nligne 2"
VALUE_2 = "mis à jour par py-legacy ✓"


def main():
    fixture, mode = load_fixture()
    base = fixture["baseUrl"]
    tokens = fixture["tokens"]
    rep = Reporter(CLIENT)
    rec = Recorder("py-legacy")

    from infisical import InfisicalClient
    from infisical.exceptions import InfisicalTokenError

    # The client falls back to os.environ on any error: make sure no fallback can
    # produce a value that looks right.
    for env in fixture["secrets"].values():
        for kv in env.values():
            for key in kv:
                os.environ.pop(key, None)
    for key in (WRITE_NAME, DENIED_NAME):
        os.environ.pop(key, None)

    def make(token):
        # The constructor prints a deprecation warning on stdout; keep our output clean.
        with contextlib.redirect_stdout(io.StringIO()):
            client = InfisicalClient(token=token, site_url=base, cache_ttl=0)
        rec.attach(client.api_request)
        return client

    def list_secrets(token, env, path):
        client = make(token)
        mark = rec.mark()
        try:
            bundles = client.get_all_secrets(environment=env, path=path, include_imports=True)
        except KeyError:
            bundles = None
        if bundles is not None and any(b.is_fallback for b in bundles):
            bundles = None
        return bundles, rec.since(mark)

    def get_secret(client, name, env, path, **kw):
        mark = rec.mark()
        try:
            bundle = client.get_secret(name, environment=env, path=path, **kw)
        except KeyError:
            bundle = None
        if bundle is not None and bundle.is_fallback:
            bundle = None
        return bundle, rec.since(mark)

    def refused_auth(token_name, label):
        bundles, entries = list_secrets(tokens[token_name], "dev", "/")
        st = [s for (_, u, s) in entries if u.startswith("/api/v2/service-token")]
        rep.check("refused: %s (401 on /api/v2/service-token)" % label,
                  bundles is None and st and st[0] == 401 and all(s >= 400 for (_, _, s) in entries),
                  describe(entries))

    if mode == "expired":
        refused_auth("expiring", "expired token")
        return rep

    for name in ("root", "db", "glob", "write", "prodRead", "wrongSecret"):
        try:
            make(tokens[name])
            rep.ok("accepts the format of the %s token" % name)
        except InfisicalTokenError as exc:
            rep.fail("accepts the format of the %s token" % name, "%s: %r" % (exc, tokens[name][:12] + "..."))
            return rep

    # --- reads: list and get-by-name, root and nested, single-scope and glob tokens
    for i, (label, tok, env, path, want) in enumerate(expected_views(fixture)):
        bundles, entries = list_secrets(tokens[tok], env, path)
        if bundles is None:
            rep.fail("list %s" % label, describe(entries))
        else:
            got = {b.secret_name: b.secret_value for b in bundles}
            dup = len(got) != len(bundles)
            rep.check("list %s returns exactly the expected secrets" % label,
                      got == want and not dup,
                      diff_maps(got, want) + ("; duplicate names" if dup else ""))
        client = make(tokens[tok])
        # Vary the `type` the way real callers do: the default is "personal", which the
        # server must answer with the shared secret for a service token.
        kw = {} if i % 2 == 0 else {"type": "shared"}
        for key, value in want.items():
            bundle, entries = get_secret(client, key, env, path, **kw)
            desc = "get %s (%s, type=%s)" % (key, label, kw.get("type", "personal (default)"))
            if bundle is None:
                rep.fail(desc, describe(entries))
            else:
                rep.check(desc, bundle.secret_value == value,
                          "got %s want %s" % (short(bundle.secret_value), short(value)))

    # --- scope enforcement
    for label, tok, env, path in out_of_scope_views():
        bundles, entries = list_secrets(tokens[tok], env, path)
        statuses = [s for (_, u, s) in entries if u.startswith("/api/v3/secrets")]
        rep.check("refused: %s (403)" % label, bundles is None and statuses and statuses[-1] == 403,
                  describe(entries))

    # --- wrong secret
    refused_auth("wrongSecret", "wrong token secret")

    # --- writes with a read+write token (prod:/**), cross-checked through the plaintext route
    env, path = fixture["writeEnv"], fixture["writePath"]
    writer = make(tokens["write"])

    def write_op(desc, method, fn):
        mark = rec.mark()
        try:
            bundle = fn()
        except KeyError:
            bundle = None
        entries = rec.since(mark)
        st = [s for (m, u, s) in entries if m == method]
        good = bundle is not None and not bundle.is_fallback and st and 200 <= st[-1] < 300
        rep.check(desc, good, describe(entries))
        return bundle if good else None

    def read_back(desc, name, want):
        bundle, entries = get_secret(make(tokens["write"]), name, env, path, type="shared")
        if bundle is None:
            rep.fail(desc + " (client get)", describe(entries))
        else:
            rep.check(desc + " (client get)", bundle.secret_value == want,
                      "got %s want %s" % (short(bundle.secret_value), short(want)))
        status, raw = raw_get(fixture, tokens["write"], env, path, name)
        rep.check(desc + " (server stored the plaintext: raw GET)", status == 200 and raw == want,
                  "raw GET -> %s %s" % (status, short(raw)))

    if write_op("create %s in %s:%s with the write token" % (WRITE_NAME, env, path), "POST",
                lambda: writer.create_secret(WRITE_NAME, VALUE_1, environment=env, path=path)):
        read_back("created value reads back", WRITE_NAME, VALUE_1)
    if write_op("update %s with the write token" % WRITE_NAME, "PATCH",
                lambda: writer.update_secret(WRITE_NAME, VALUE_2, environment=env, path=path)):
        read_back("updated value reads back", WRITE_NAME, VALUE_2)
    deleted = write_op("delete %s with the write token" % WRITE_NAME, "DELETE",
                       lambda: writer.delete_secret(WRITE_NAME, environment=env, path=path))
    if deleted is not None:
        # The client decrypts secretValue* of the DELETE response.
        rep.check("delete response carries the deleted secret (decrypts to the last value)",
                  deleted.secret_value == VALUE_2, "got %s" % short(deleted.secret_value))
    bundle, entries = get_secret(make(tokens["write"]), WRITE_NAME, env, path, type="shared")
    st = [s for (m, u, s) in entries if u.startswith("/api/v3/secrets/")]
    rep.check("deleted secret is gone (404)", bundle is None and st and st[-1] == 404, describe(entries))

    # --- writes refused for a read-only token with the same scope
    reader = make(tokens["prodRead"])

    def refused(desc, method, fn):
        mark = rec.mark()
        try:
            bundle = fn()
        except KeyError:
            bundle = None
        entries = rec.since(mark)
        st = [s for (m, u, s) in entries if m == method]
        rep.check(desc, (bundle is None or bundle.is_fallback) and st and st[-1] == 403, describe(entries))

    refused("read-only token refused: create (403)", "POST",
            lambda: reader.create_secret(DENIED_NAME, "nope", environment=env, path=path))
    refused("read-only token refused: update (403)", "PATCH",
            lambda: reader.update_secret("PROD_EXISTING", "changed", environment=env, path=path))
    refused("read-only token refused: delete (403)", "DELETE",
            lambda: reader.delete_secret("PROD_EXISTING", environment=env, path=path))
    bundles, entries = list_secrets(tokens["prodRead"], env, path)
    if bundles is None:
        rep.fail("refused writes changed nothing", describe(entries))
    else:
        got = {b.secret_name: b.secret_value for b in bundles}
        rep.check("refused writes changed nothing",
                  got.get("PROD_EXISTING") == "keep-me" and DENIED_NAME not in got,
                  "PROD_EXISTING=%s, %s present=%s" % (short(got.get("PROD_EXISTING")), DENIED_NAME,
                                                      DENIED_NAME in got))
    return rep


if __name__ == "__main__":
    r = main()
    sys.exit(1 if r.failed else 0)
