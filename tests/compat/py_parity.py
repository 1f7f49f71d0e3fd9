"""Infisical parity with PyPI `infisicalsdk==1.0.18`: secret references expanded by the server
and secret imports, with the SDK's defaults (expandSecretReferences=true, include_imports=true).
The fixture's `parity` project is the reference's §10 plan; the service token `all` stands in
for an identity that reads every target, `devOnly` for one that cannot read prod.
Usage: python py_parity.py FIXTURE.json   (in the venv that has infisicalsdk==1.0.18)
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from compat_common import Reporter, load_fixture, short  # noqa: E402

CLIENT = "py-parity (infisicalsdk==1.0.18)"


def main():
    fixture, mode = load_fixture()
    rep = Reporter(CLIENT)
    if mode == "expired":
        return rep
    parity = fixture["parity"]
    pid, tokens = parity["projectId"], parity["tokens"]

    from infisical_sdk import InfisicalSDKClient
    from infisical_sdk.infisical_requests import APIError

    def make(token):
        return InfisicalSDKClient(host=fixture["baseUrl"], token=token, cache_ttl=None)

    def listed(token, **flags):
        return make(token).secrets.list_secrets(
            environment_slug="dev", secret_path="/", project_id=pid, **flags)

    def values(secrets):
        return {s.secretKey: s.secretValue for s in secrets}

    def defaults():
        res = listed(tokens["all"])
        got = values(res.secrets)
        rep.check("list expands a local and a cross-environment reference (REF=l-t)", got.get("REF") == "l-t", short(got.get("REF")))
        rep.check("a missing target stays literal", got.get("MISSING") == "${NOPE}", short(got.get("MISSING")))
        rep.check("a cycle answers 200 with its references literal", got.get("CYC_A") == "${CYC_B}", short(got.get("CYC_A")))
        rep.check("a chain of 10 references resolves", got.get("CHAIN") == "end", short(got.get("CHAIN")))
        entries = [(i.environment, i.secretPath) for i in res.imports]
        rep.check("two import entries in position order", entries == [("dev", "/shared"), ("prod", "/")], entries)
        first = [s["secretKey"] if isinstance(s, dict) else s.secretKey for s in res.imports[0].secrets] if res.imports else []
        rep.check("the first entry flattens its nested import (BASE)", "BASE" in first, first)
    rep.guard("list with the SDK's defaults", defaults)

    def flags_off():
        plain = listed(tokens["all"], expand_secret_references=False, include_imports=False)
        rep.check("expand_secret_references=False leaves REF literal",
                  values(plain.secrets).get("REF") == "${LOCAL}-${prod.api.TOKEN}", short(values(plain.secrets).get("REF")))
        rep.check("include_imports=False answers no imports", list(plain.imports) == [], plain.imports)
    rep.guard("list with both flags off", flags_off)

    def by_name():
        client = make(tokens["all"])
        get = lambda name: client.secrets.get_secret_by_name(  # noqa: E731
            secret_name=name, environment_slug="dev", secret_path="/", project_id=pid)
        rep.check("by name: TWO comes from the import (2)", get("TWO").secretValue == "2")
        rep.check("by name: IMP comes from the last import (i2)", get("IMP").secretValue == "i2")
        try:
            get("NOWHERE")
            rep.fail("by name: an unknown name is a 404", "found")
        except APIError as err:
            rep.check("by name: an unknown name is a 404", err.status_code == 404, err)
    rep.guard("by-name reads with imports", by_name)

    def refused():
        try:
            listed(tokens["devOnly"])
            rep.fail("a reader without prod gets 403 on the list", "listed")
        except APIError as err:
            rep.check("a reader without prod gets 403 'Failed to expand…' on the list",
                      err.status_code == 403 and "Failed to expand" in str(err), err)
        try:
            make(tokens["devOnly"]).secrets.get_secret_by_name(
                secret_name="REF", environment_slug="dev", secret_path="/", project_id=pid)
            rep.fail("a reader without prod gets 403 on REF by name", "read")
        except APIError as err:
            rep.check("a reader without prod gets 403 on REF by name", err.status_code == 403, err)
    rep.guard("unreadable references", refused)

    ids = parity["identities"]

    def ua(ident, secret_name):
        client = InfisicalSDKClient(host=fixture["baseUrl"], cache_ttl=None)
        res = client.auth.universal_auth.login(client_id=ids[ident]["clientId"], client_secret=ids[ident]["secrets"][secret_name])
        return client, res

    def identity_login():
        client, res = ua("I", "py")
        rep.check("universal_auth.login answers accessToken, expiresIn, accessTokenMaxTTL, tokenType",
                  res.accessToken and res.expiresIn == 7200 and res.accessTokenMaxTTL == 2592000 and res.tokenType == "Bearer", res)
        got = values(client.secrets.list_secrets(environment_slug="dev", secret_path="/", project_id=pid).secrets)
        rep.check("an identity lists with references expanded (REF=l-t)", got.get("REF") == "l-t", short(got.get("REF")))
        again = client.auth.universal_auth.login(client_id=ids["I"]["clientId"], client_secret=ids["I"]["secrets"]["py"])
        rep.check("a second login on the same client (stale bearer sent) succeeds", bool(again.accessToken))
    rep.guard("identity login and list", identity_login)

    def identity_refusals():
        client = InfisicalSDKClient(host=fixture["baseUrl"], cache_ttl=None)
        try:
            client.auth.universal_auth.login(client_id=ids["I"]["clientId"], client_secret="0" * 64)
            rep.fail("a wrong client secret gets APIError 401", "logged in")
        except APIError as err:
            rep.check("a wrong client secret gets APIError 401", err.status_code == 401, err)
        for _ in range(2):
            ua("I", "twoUses")
        try:
            ua("I", "twoUses")
            rep.fail("a client secret with numUsesLimit=2 refuses the 3rd login", "logged in")
        except APIError as err:
            rep.check("a client secret with numUsesLimit=2 refuses the 3rd login (401)", err.status_code == 401, err)
        client_j, _ = ua("J", "py")
        try:
            client_j.secrets.list_secrets(environment_slug="dev", secret_path="/", project_id=pid)
            rep.fail("identity J (dev only) gets 403 on the list", "listed")
        except APIError as err:
            rep.check("identity J (dev only) gets 403 'Failed to expand…' on the list",
                      err.status_code == 403 and "Failed to expand" in str(err), err)
    rep.guard("identity refusals", identity_refusals)

    def client_for_login():
        return InfisicalSDKClient(host=fixture["baseUrl"], cache_ttl=None)

    def native_admin(method, path, body):
        """A call to Envkeep's native API as the suite's admin (run.sh exports its login)."""
        import json
        import urllib.request

        def call(method, path, body, bearer=None):
            headers = {"Content-Type": "application/json"}
            if bearer:
                headers["Authorization"] = "Bearer " + bearer
            req = urllib.request.Request(fixture["baseUrl"] + path, data=json.dumps(body).encode(),
                                         method=method, headers=headers)
            with urllib.request.urlopen(req, timeout=15) as resp:
                return json.loads(resp.read())
        session = call("POST", "/api/v1/auth/login", {"email": os.environ["ENVKEEP_ADMIN_EMAIL"],
                                                      "password": os.environ["ENVKEEP_ADMIN_PASSWORD"]})
        return call(method, path, body, session["token"])

    def stale_relogin():
        # Identity Short's tokens live 2 s. The SDK keeps `Authorization: Bearer <token>` on its
        # session and sends it again on the next login: here an expired token (Infisical would
        # answer that login 403; Envkeep ignores the header on the login route).
        short_id = ids["Short"]
        client = InfisicalSDKClient(host=fixture["baseUrl"], cache_ttl=None)
        first = client.auth.universal_auth.login(client_id=short_id["clientId"], client_secret=short_id["secrets"]["py"])
        rep.check("a login with accessTokenTTL=2 answers expiresIn 2", first.expiresIn == 2, first)
        # A client secret's TTL counts from its creation: this one is made now, not at seeding.
        ttl1 = native_admin("POST", "/api/v1/identities/%s/client-secrets" % short_id["id"], {"ttl": 1})["clientSecret"]
        login = lambda: client_for_login().auth.universal_auth.login(  # noqa: E731
            client_id=short_id["clientId"], client_secret=ttl1)
        login()
        time.sleep(2.2)
        try:
            login()
            rep.fail("a client secret with ttl=1 logs in at once and gets APIError 401 after 2 s", "logged in")
        except APIError as err:
            rep.check("a client secret with ttl=1 logs in at once and gets APIError 401 after 2 s",
                      err.status_code == 401 and "expired" in str(err), err)
        sent = client.api.session.headers.get("Authorization")
        again = client.auth.universal_auth.login(client_id=short_id["clientId"], client_secret=short_id["secrets"]["py"])
        rep.check("after the token expired, login again on the same client (the expired bearer sent) succeeds",
                  sent == "Bearer " + first.accessToken and again.accessToken, sent)
        got = values(client.secrets.list_secrets(environment_slug="dev", secret_path="/", project_id=pid).secrets)
        rep.check("the new token lists", got.get("LOCAL") == "l", short(got))
        try:
            make(first.accessToken).secrets.list_secrets(environment_slug="dev", secret_path="/", project_id=pid)
            rep.fail("the expired token is refused with APIError 401", "listed")
        except APIError as err:
            rep.check("the expired token is refused with APIError 401", err.status_code == 401, err)
    rep.guard("re-login after expiry", stale_relogin)
    return rep


if __name__ == "__main__":
    r = main()
    sys.exit(1 if r.failed else 0)
