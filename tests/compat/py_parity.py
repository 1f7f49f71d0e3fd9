"""Infisical parity with PyPI `infisicalsdk==1.0.18`: secret references expanded by the server
and secret imports, with the SDK's defaults (expandSecretReferences=true, include_imports=true).
The fixture's `parity` project is the reference's §10 plan; the service token `all` stands in
for an identity that reads every target, `devOnly` for one that cannot read prod.
Usage: python py_parity.py FIXTURE.json   (in the venv that has infisicalsdk==1.0.18)
"""

import os
import sys

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
    return rep


if __name__ == "__main__":
    r = main()
    sys.exit(1 if r.failed else 0)
