"""Seeds the Infisical-parity fixture (reference infisical-machine-identities.md §10) in a
project of its own, so that its references and imports change nothing the other checks read.
Imported by harness.py (standard library only)."""

PARITY = {
    "dev": {
        "/": {
            "LOCAL": "l",
            "DUP": "local",
            "REF": "${LOCAL}-${prod.api.TOKEN}",
            "MISSING": "${NOPE}",
            "CYC_A": "${CYC_B}",
            "CYC_B": "${CYC_A}",
            "CHAIN": "${C1}",
            **{"C%d" % i: "${C%d}" % (i + 1) for i in range(1, 10)},
            "C10": "end",
        },
        "/shared": {"DUP": "i1", "IMP": "i1"},
        "/base": {"BASE": "b"},
    },
    "prod": {
        "/": {"IMP": "i2", "TWO": "2"},
        "/api": {"TOKEN": "t"},
    },
}

# (importing env, path, imported env, path), in the order added.
IMPORTS = [
    ("dev", "/shared", "dev", "/base"),
    ("dev", "/", "dev", "/shared"),
    ("dev", "/", "prod", "/"),
]

# name -> scopes; all read only. "all" reads every target; "devOnly" cannot read prod.
TOKENS = {
    "all": [("dev", "/**"), ("prod", "/**")],
    "devOnly": [("dev", "/**")],
}


def identity(base, admin, request, project_id, name, grant, secrets, settings=None):
    """An identity attached to the project with `grant` and these Universal Auth `settings`;
    returns {clientId, secrets: {name: secret}}."""
    res = request("POST", base + "/api/v1/identities", {"name": name}, admin, expect=(201,))
    ident = res["identity"]
    if settings:
        request("PATCH", "%s/api/v1/identities/%s/universal-auth" % (base, ident["id"]), settings, admin)
    body = dict(grant, identityId=ident["id"])
    request("POST", "%s/api/v1/projects/%s/identities" % (base, project_id), body, admin, expect=(201,))
    made = {}
    for secret_name, options in secrets.items():
        made[secret_name] = request("POST", "%s/api/v1/identities/%s/client-secrets" % (base, ident["id"]),
                                    options, admin, expect=(201,))["clientSecret"]
    return {"id": ident["id"], "clientId": ident["clientId"], "secrets": made}


def seed_parity(base, admin, request, mint_token):
    """Returns the fixture's `parity` part: {projectId, tokens, identities}."""
    res = request("POST", base + "/api/v1/projects", {"name": "parity"}, admin, expect=(201,))
    project_id = res["project"]["id"]
    for env, folders in PARITY.items():
        for path, kv in folders.items():
            for key, value in kv.items():
                request("POST", "%s/api/v1/projects/%s/secrets" % (base, project_id),
                        {"environment": env, "path": path, "key": key, "value": value}, admin, expect=(201,))
    for env, path, from_env, from_path in IMPORTS:
        request("POST", "%s/api/v1/projects/%s/imports" % (base, project_id),
                {"environment": env, "path": path, "importEnvironment": from_env, "importPath": from_path},
                admin, expect=(201,))
    tokens = {name: mint_token(base, admin, project_id, "parity-" + name, scopes, ["read"], None)
              for name, scopes in TOKENS.items()}
    identities = {
        # I: a viewer of every environment; J: a viewer of dev only (cannot read prod).
        "I": identity(base, admin, request, project_id, "parity-i", {"role": "viewer"},
                      {"py": {}, "node": {}, "twoUses": {"numUsesLimit": 2}}),
        "J": identity(base, admin, request, project_id, "parity-j",
                      {"role": "viewer", "environments": ["dev"]}, {"py": {}}),
        # Short-lived tokens, so that expiry is seen in a second or two, not waited for:
        # Short (TTL 2 s) for the Python SDK's re-login; Renewing (TTL 2 s, max TTL 4 s) for
        # the Node SDK's renew().
        "Short": identity(base, admin, request, project_id, "parity-short", {"role": "viewer"},
                          {"py": {}}, {"accessTokenTTL": 2, "accessTokenMaxTTL": 0}),
        "Renewing": identity(base, admin, request, project_id, "parity-renewing", {"role": "viewer"},
                             {"node": {}}, {"accessTokenTTL": 2, "accessTokenMaxTTL": 4}),
        # Limited: each token allows 2 calls; Fenced: tokens only from 10.9.9.9.
        "Limited": identity(base, admin, request, project_id, "parity-limited", {"role": "viewer"},
                            {"node": {}}, {"accessTokenNumUsesLimit": 2}),
        "Fenced": identity(base, admin, request, project_id, "parity-fenced", {"role": "viewer"},
                           {"node": {}}, {"accessTokenTrustedIps": ["10.9.9.9/32"]}),
    }
    return {"projectId": project_id, "tokens": tokens, "identities": identities}
