"""Driver for PyPI `infisicalsdk==1.0.18` (current Python SDK, plaintext API).

This SDK has no service-token mode: it sends the string it is given as
`Authorization: Bearer <token>` and talks to /api/v3/secrets/raw[/<name>] only.
project_id (workspaceId) is mandatory in every call. Non-2xx answers raise
infisical_sdk.infisical_requests.APIError(message, status_code).
Usage: python py_sdk.py FIXTURE.json   (run in the venv that has infisicalsdk==1.0.18)
"""

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
    short,
)

CLIENT = "py-sdk (infisicalsdk==1.0.18)"
WRITE_NAME = "PY_SDK_WRITE"
DENIED_NAME = "PY_SDK_DENIED"
VALUE_1 = "créé par py-sdk ✓\nligne 2"
VALUE_2 = "mis à jour par py-sdk ✓"


def main():
    fixture, mode = load_fixture()
    base = fixture["baseUrl"]
    pid = fixture["projectId"]
    tokens = fixture["tokens"]
    rep = Reporter(CLIENT)
    rec = Recorder("py-sdk")

    from infisical_sdk import InfisicalSDKClient
    from infisical_sdk.infisical_requests import APIError

    def make(token):
        # cache_ttl=None disables the SDK's secrets cache so every call reaches the server.
        client = InfisicalSDKClient(host=base, token=token, cache_ttl=None)
        rec.attach(client.api.session)
        return client

    def call(fn):
        """-> (result, APIError or None). Other exceptions propagate to rep.guard."""
        try:
            return fn(), None
        except APIError as err:
            return None, err

    def list_map(client, env, path):
        res, err = call(lambda: client.secrets.list_secrets(
            environment_slug=env, secret_path=path, project_id=pid))
        if err:
            return None, err
        return res, None

    def as_map(res):
        return {s.secretKey: s.secretValue for s in res.secrets}

    def refused_auth(token_name, label):
        def run():
            res, err = list_map(make(tokens[token_name]), "dev", "/")
            rep.check("refused: %s (401 with a JSON message)" % label,
                      err is not None and err.status_code == 401 and "Unknown error" not in str(err),
                      err or "listed %d secrets" % len(res.secrets))
        rep.guard("refused: %s" % label, run)

    if mode == "expired":
        refused_auth("expiring", "expired token")
        return rep

    # --- reads
    for label, tok, env, path, want in expected_views(fixture):
        client = make(tokens[tok])

        def do_list():
            mark = rec.mark()
            res, err = list_map(client, env, path)
            if err:
                rep.fail("list %s" % label, "%s; %s" % (err, describe(rec.since(mark))))
                return
            got = as_map(res)
            dup = len(got) != len(res.secrets)
            rep.check("list %s returns exactly the expected secrets" % label, got == want and not dup,
                      diff_maps(got, want) + ("; duplicate names" if dup else ""))
        rep.guard("list %s" % label, do_list)

        for key, value in want.items():
            def do_get(key=key, value=value):
                res, err = call(lambda: client.secrets.get_secret_by_name(
                    secret_name=key, environment_slug=env, secret_path=path, project_id=pid))
                desc = "get %s (%s)" % (key, label)
                if err:
                    rep.fail(desc, err)
                else:
                    rep.check(desc, res.secretKey == key and res.secretValue == value,
                              "got %s=%s want %s" % (res.secretKey, short(res.secretValue), short(value)))
            rep.guard("get %s (%s)" % (key, label), do_get)

    # The 3-part access token alone (what Envkeep's docs tell users to send) works too.
    def access_only():
        access = ".".join(tokens["root"].split(".")[:3])
        res, err = list_map(make(access), "dev", "/")
        want = fixture["secrets"]["dev"]["/"]
        rep.check("list dev:/ with the 3-part access token st.<id>.<secret>",
                  err is None and as_map(res) == want, err or diff_maps(as_map(res), want))
    rep.guard("list dev:/ with the 3-part access token", access_only)

    # Single non-glob scope: the server overrides environment/secretPath with the token's
    # (reference §4.5), so asking the dev:/app/db token for dev:/ yields /app/db.
    def override():
        res, err = list_map(make(tokens["db"]), "dev", "/")
        want = fixture["secrets"]["dev"]["/app/db"]
        rep.check("single-scope override: dev:/app/db token asking for dev:/ gets dev:/app/db",
                  err is None and as_map(res) == want, err or diff_maps(as_map(res), want))
    rep.guard("single-scope override", override)

    # --- scope enforcement
    for label, tok, env, path in out_of_scope_views():
        if tok == "root":
            # On raw reads a single non-glob scope is overridden (see above), not refused:
            # the request is silently confined to the token's own folder.
            continue

        def refused_read(label=label, tok=tok, env=env, path=path):
            res, err = list_map(make(tokens[tok]), env, path)
            rep.check("refused: %s (403)" % label, err is not None and err.status_code == 403,
                      err or "listed %d secrets" % len(res.secrets))
        rep.guard("refused: %s" % label, refused_read)

    # --- wrong secret
    refused_auth("wrongSecret", "wrong token secret")

    # --- writes with a read+write token
    env, path = fixture["writeEnv"], fixture["writePath"]
    writer = make(tokens["write"])

    def read_back(desc, want):
        res, err = call(lambda: make(tokens["write"]).secrets.get_secret_by_name(
            secret_name=WRITE_NAME, environment_slug=env, secret_path=path, project_id=pid))
        rep.check(desc, err is None and res.secretValue == want,
                  err or "got %s want %s" % (short(res.secretValue), short(want)))

    def create():
        res, err = call(lambda: writer.secrets.create_secret_by_name(
            secret_name=WRITE_NAME, secret_path=path, environment_slug=env, project_id=pid,
            secret_value=VALUE_1, secret_comment="written by py-sdk"))
        if rep.check("create %s in %s:%s with the write token" % (WRITE_NAME, env, path),
                     err is None and res.secretKey == WRITE_NAME, err or res):
            read_back("created value reads back", VALUE_1)
    rep.guard("create with the write token", create)

    def update():
        res, err = call(lambda: writer.secrets.update_secret_by_name(
            current_secret_name=WRITE_NAME, secret_path=path, environment_slug=env, project_id=pid,
            secret_value=VALUE_2))
        if rep.check("update %s with the write token" % WRITE_NAME, err is None, err):
            read_back("updated value reads back", VALUE_2)
    rep.guard("update with the write token", update)

    def delete():
        res, err = call(lambda: writer.secrets.delete_secret_by_name(
            secret_name=WRITE_NAME, secret_path=path, environment_slug=env, project_id=pid))
        if not rep.check("delete %s with the write token" % WRITE_NAME, err is None, err):
            return
        res, err = call(lambda: make(tokens["write"]).secrets.get_secret_by_name(
            secret_name=WRITE_NAME, environment_slug=env, secret_path=path, project_id=pid))
        rep.check("deleted secret is gone (404)", err is not None and err.status_code == 404,
                  err or "still there: %s" % short(res.secretValue))
    rep.guard("delete with the write token", delete)

    # --- writes refused for a read-only token with the same scope
    reader = make(tokens["prodRead"])
    attempts = [
        ("create", lambda: reader.secrets.create_secret_by_name(
            secret_name=DENIED_NAME, secret_path=path, environment_slug=env, project_id=pid,
            secret_value="nope")),
        ("update", lambda: reader.secrets.update_secret_by_name(
            current_secret_name="PROD_EXISTING", secret_path=path, environment_slug=env,
            project_id=pid, secret_value="changed")),
        ("delete", lambda: reader.secrets.delete_secret_by_name(
            secret_name="PROD_EXISTING", secret_path=path, environment_slug=env, project_id=pid)),
    ]
    for what, fn in attempts:
        def attempt(what=what, fn=fn):
            res, err = call(fn)
            rep.check("read-only token refused: %s (403)" % what,
                      err is not None and err.status_code == 403, err or "succeeded: %r" % (res,))
        rep.guard("read-only token refused: %s" % what, attempt)

    def unchanged():
        res, err = list_map(make(tokens["prodRead"]), env, path)
        got = as_map(res) if res else {}
        rep.check("refused writes changed nothing",
                  err is None and got.get("PROD_EXISTING") == "keep-me" and DENIED_NAME not in got,
                  err or "PROD_EXISTING=%s, %s present=%s" % (short(got.get("PROD_EXISTING")),
                                                             DENIED_NAME, DENIED_NAME in got))
    rep.guard("refused writes changed nothing", unchanged)
    return rep


if __name__ == "__main__":
    r = main()
    sys.exit(1 if r.failed else 0)
