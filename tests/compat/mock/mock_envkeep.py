"""A small stand-in for Envkeep, used only to self-test the compatibility suite while the
real routes are being written:

    ENVKEEP_BIN=tests/compat/mock/envkeep-mock bash tests/compat/run.sh

It implements the native calls the harness seeds with and the Infisical-compatible routes
the four clients call, following reference §2/§6 and the shapes each client was seen to
require in its source. It is NOT a specification of Envkeep and holds everything in memory.

Environment (same names as Envkeep): ENVKEEP_BIND, ENVKEEP_ADMIN_EMAIL, ENVKEEP_ADMIN_PASSWORD.
Extras: ENVKEEP_MOCK_LOG=<file> appends one JSON line per request (method, path, query,
headers, body keys, status); ENVKEEP_MOCK_BREAK=<comma list> injects faults to prove the
suite notices them: no-imports, wrong-secret-ok, read-can-write, personal-404,
no-delete-body, no-override.
Needs pycryptodomex (present in the suite's venv-legacy).
"""

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import threading
from datetime import datetime, timedelta, timezone
from fnmatch import fnmatchcase
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from Cryptodome.Cipher import AES

BREAK = set(filter(None, os.environ.get("ENVKEEP_MOCK_BREAK", "").split(",")))
LOG = os.environ.get("ENVKEEP_MOCK_LOG")
LOCK = threading.RLock()
ENVS = [("Development", "dev"), ("Staging", "staging"), ("Production", "prod")]


def now_dt():
    return datetime.now(timezone.utc)


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def hexid():
    return secrets.token_hex(16)


def b64(b):
    return base64.b64encode(b).decode("ascii")


def encrypt(key_str, plaintext):
    iv = secrets.token_bytes(16)
    cipher = AES.new(key_str.encode("utf-8"), AES.MODE_GCM, nonce=iv)
    ct, tag = cipher.encrypt_and_digest(plaintext.encode("utf-8"))
    return b64(ct), b64(iv), b64(tag)


def decrypt(key_str, ct, iv, tag):
    cipher = AES.new(key_str.encode("utf-8"), AES.MODE_GCM, nonce=base64.b64decode(iv))
    return cipher.decrypt_and_verify(base64.b64decode(ct), base64.b64decode(tag)).decode("utf-8")


def norm_path(p):
    p = unquote(p or "/")
    if not p.startswith("/"):
        p = "/" + p
    if len(p) > 1:
        p = p.rstrip("/")
    return p or "/"


def segs(p):
    return [s for s in p.split("/") if s]


def glob_match(pattern, path):
    """picomatch subset: `**` spans zero or more segments, `*`/`?` stay in a segment."""
    pat, parts = segs(norm_path(pattern)), segs(norm_path(path))

    def m(i, j):
        if i == len(pat):
            return j == len(parts)
        if pat[i] == "**":
            return any(m(i + 1, k) for k in range(j, len(parts) + 1))
        if j < len(parts) and not parts[j].startswith(".") and fnmatchcase(parts[j], pat[i]):
            return m(i + 1, j + 1)
        return False

    return m(0, 0)


def is_glob(p):
    return any(c in p for c in "*?{[")


class ApiError(Exception):
    NAMES = {400: "BadRequest", 401: "UnauthorizedError", 403: "PermissionDenied", 404: "NotFound",
             409: "Conflict", 422: "ValidationFailure"}

    def __init__(self, status, message, error=None):
        super().__init__(message)
        self.status, self.message, self.error = status, message, error or self.NAMES.get(status, "Error")


class Store:
    def __init__(self):
        self.email = os.environ.get("ENVKEEP_ADMIN_EMAIL", "admin@example.com")
        self.password = os.environ.get("ENVKEEP_ADMIN_PASSWORD", "")
        self.admin_id = hexid()
        self.sessions = set()
        self.projects = {}
        self.tokens = {}

    # ---- native
    def project(self, pid):
        p = self.projects.get(pid)
        if not p:
            raise ApiError(404, "Project with ID '%s' not found" % pid)
        return p

    def create_project(self, name):
        pid = hexid()
        t = iso(now_dt())
        p = {"id": pid, "name": name, "slug": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
             "createdAt": t, "wireKey": secrets.token_hex(16),
             "folders": {(slug, "/"): hexid() for _, slug in ENVS}, "secrets": {}}
        self.projects[pid] = p
        return p

    def ensure_folder(self, p, env, path):
        parts = segs(path)
        for i in range(len(parts) + 1):
            fp = "/" + "/".join(parts[:i])
            p["folders"].setdefault((env, fp), hexid())

    def put_secret(self, p, env, path, key, value, comment=""):
        if env not in {s for _, s in ENVS}:
            raise ApiError(404, "Environment '%s' not found" % env)
        self.ensure_folder(p, env, path)
        t = iso(now_dt())
        k = (env, path, key)
        if k in p["secrets"]:
            raise ApiError(409, "Secret already exists")
        p["secrets"][k] = {"id": hexid(), "value": value, "comment": comment, "version": 1,
                           "createdAt": t, "updatedAt": t}
        return p["secrets"][k]

    # ---- service tokens
    def mint(self, p, name, scopes, perms, expires_in):
        tid, sec, key = hexid(), secrets.token_hex(16), secrets.token_hex(16)
        ek, iv, tag = encrypt(key, p["wireKey"])
        t = now_dt()
        self.tokens[tid] = {
            "id": tid, "name": name, "projectId": p["id"],
            "scopes": [{"environment": s["environment"], "secretPath": norm_path(s["secretPath"])} for s in scopes],
            "permissions": perms, "hash": hashlib.sha256(sec.encode()).hexdigest(),
            "encryptedKey": ek, "iv": iv, "tag": tag,
            "expiresAt": t + timedelta(seconds=expires_in) if expires_in else None,
            "createdAt": iso(t), "updatedAt": iso(t),
        }
        return "st.%s.%s.%s" % (tid, sec, key), self.tokens[tid]

    def auth_token(self, header):
        if not header or not header.startswith("Bearer "):
            raise ApiError(401, "Token missing", "UnauthorizedError")
        parts = header[7:].strip().split(".")
        if len(parts) < 3 or parts[0] != "st":
            raise ApiError(401, "Invalid service token", "UnauthorizedError")
        tok = self.tokens.get(parts[1])
        if not tok:
            raise ApiError(401, "Invalid service token", "UnauthorizedError")
        good = hmac.compare_digest(tok["hash"], hashlib.sha256(parts[2].encode()).hexdigest())
        if not good and "wrong-secret-ok" not in BREAK:
            raise ApiError(401, "Invalid service token", "UnauthorizedError")
        if tok["expiresAt"] and tok["expiresAt"] <= now_dt():
            raise ApiError(401, "Service token has expired", "UnauthorizedError")
        return tok

    @staticmethod
    def allow(tok, pid, env, path, action):
        if pid != tok["projectId"]:
            raise ApiError(403, "Service token not a part of the specified project with ID %s" % pid,
                           "ForbiddenError")
        need = "read" if action == "read" else "write"
        if need == "write" and "read-can-write" in BREAK:
            need = "read"
        for s in tok["scopes"]:
            if s["environment"] == env and glob_match(s["secretPath"], path) and need in tok["permissions"]:
                return
        raise ApiError(403, "You are not allowed to %s on secrets" % action, "PermissionDenied")


STORE = Store()


def enc_secret(p, env, path, key, rec):
    wk = p["wireKey"]
    kc, ki, kt = encrypt(wk, key)
    vc, vi, vt = encrypt(wk, rec["value"])
    cc, ci, ct = encrypt(wk, rec["comment"])
    return {"id": rec["id"], "_id": rec["id"], "version": rec["version"], "workspace": p["id"],
            "environment": env, "type": "shared", "user": None,
            "folderId": p["folders"][(env, path)], "secretPath": path,
            "secretKeyCiphertext": kc, "secretKeyIV": ki, "secretKeyTag": kt,
            "secretValueCiphertext": vc, "secretValueIV": vi, "secretValueTag": vt,
            "secretCommentCiphertext": cc, "secretCommentIV": ci, "secretCommentTag": ct,
            "algorithm": "aes-256-gcm", "keyEncoding": "utf8", "skipMultilineEncoding": False,
            "tags": [], "createdAt": rec["createdAt"], "updatedAt": rec["updatedAt"]}


def raw_secret(p, env, path, key, rec, view=True):
    return {"id": rec["id"], "_id": rec["id"], "workspace": p["id"], "environment": env,
            "version": rec["version"], "type": "shared", "secretKey": key,
            "secretValue": rec["value"] if view else "", "secretValueHidden": not view,
            "secretComment": rec["comment"], "secretPath": path, "skipMultilineEncoding": False,
            "tags": [], "secretMetadata": [], "createdAt": rec["createdAt"], "updatedAt": rec["updatedAt"]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "envkeep-mock"

    def log_message(self, fmt, *args):  # quiet
        pass

    def send_json(self, status, body):
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self._status = status

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, "malformed JSON body")

    def handle_any(self, method):
        self._status = 0
        self._body = {}
        url = urlsplit(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        path = url.path.rstrip("/") or "/"
        try:
            self._body = self.read_body() if method in ("POST", "PATCH", "DELETE", "PUT") else {}
            with LOCK:
                status, body = self.route(method, path, q, self._body)
            self.send_json(status, body)
        except ApiError as e:
            self.send_json(e.status, {"statusCode": e.status, "message": e.message, "error": e.error})
        except Exception as e:  # noqa: BLE001
            import traceback
            traceback.print_exc()
            self.send_json(500, {"statusCode": 500, "message": "mock crashed: %s" % e, "error": "InternalError"})
        if LOG:
            auth = self.headers.get("Authorization") or ""
            shape = re.sub(r"[0-9a-f]{32}", "<hex32>", auth)
            entry = {"method": method, "path": url.path, "query": url.query, "status": self._status,
                     "authorization": shape,
                     "headers": {k: v for k, v in self.headers.items() if k.lower() != "authorization"},
                     "bodyKeys": sorted(self._body) if isinstance(self._body, dict) else None}
            with LOCK, open(LOG, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")

    # ------------------------------------------------------------------ routing
    def admin(self):
        h = self.headers.get("Authorization") or ""
        if not h.startswith("Bearer ") or h[7:] not in STORE.sessions:
            raise ApiError(401, "Not logged in")

    def route(self, method, path, q, body):
        if path == "/healthz" and method == "GET":
            return 200, {"status": "ok"}
        if path == "/api/v1/auth/login" and method == "POST":
            if body.get("email") != STORE.email or body.get("password") != STORE.password:
                raise ApiError(401, "Invalid email or password")
            tok = secrets.token_hex(32)
            STORE.sessions.add(tok)
            return 200, {"token": tok, "expiresAt": iso(now_dt() + timedelta(hours=12)),
                         "csrfToken": secrets.token_hex(16)}
        if path == "/api/v1/projects" and method == "POST":
            self.admin()
            p = STORE.create_project(body["name"])
            return 201, {"project": {"id": p["id"], "name": p["name"], "slug": p["slug"], "createdAt": p["createdAt"],
                                     "environments": [{"name": n, "slug": s} for n, s in ENVS]}}
        m = re.fullmatch(r"/api/v1/projects/([0-9a-f]+)/secrets", path)
        if m and method == "POST":
            self.admin()
            p = STORE.project(m.group(1))
            rec = STORE.put_secret(p, body["environment"], norm_path(body.get("path")), body["key"],
                                   body.get("value", ""), body.get("comment", ""))
            return 201, {"secret": {"id": rec["id"], "key": body["key"]}}
        m = re.fullmatch(r"/api/v1/projects/([0-9a-f]+)/service-tokens", path)
        if m and method == "POST":
            self.admin()
            p = STORE.project(m.group(1))
            token, rec = STORE.mint(p, body.get("name", ""), body["scopes"], body["permissions"], body["expiresIn"])
            return 201, {"token": token, "serviceToken": {"id": rec["id"], "name": rec["name"]}}

        # ---- Infisical-compatible
        tok = STORE.auth_token(self.headers.get("Authorization"))
        if path == "/api/v2/service-token" and method == "GET":
            return 200, {
                "id": tok["id"], "_id": tok["id"], "__v": 0, "name": tok["name"],
                "projectId": tok["projectId"], "workspace": tok["projectId"], "scopes": tok["scopes"],
                "permissions": tok["permissions"], "lastUsed": None,
                "expiresAt": iso(tok["expiresAt"]) if tok["expiresAt"] else None,
                "encryptedKey": tok["encryptedKey"], "iv": tok["iv"], "tag": tok["tag"],
                "createdAt": tok["createdAt"], "updatedAt": tok["updatedAt"], "createdBy": STORE.admin_id,
                "user": {"id": STORE.admin_id, "_id": STORE.admin_id, "__v": 0, "email": STORE.email},
            }
        if path == "/api/v1/folders" and method == "GET":
            pid = q.get("workspaceId") or q.get("projectId")
            env, fpath = q.get("environment"), norm_path(q.get("path") or q.get("directory"))
            STORE.allow(tok, pid, env, fpath, "read")
            p = STORE.project(pid)
            depth = len(segs(fpath))
            kids = sorted(fp for (e, fp) in p["folders"]
                          if e == env and fp != "/" and len(segs(fp)) == depth + 1 and glob_match(fpath + "/**", fp))
            return 200, {"folders": [{"id": p["folders"][(env, fp)], "name": segs(fp)[-1]} for fp in kids]}

        m = re.fullmatch(r"/api/(v3|v4)/secrets(/raw)?(?:/([^/]+))?", path)
        if not m:
            raise ApiError(404, "Route %s %s not found" % (method, path))
        version, raw, name = m.group(1), bool(m.group(2)) or m.group(1) == "v4", m.group(3)
        name = unquote(name) if name else None
        src = q if method == "GET" else body
        pid = src.get("workspaceId") or src.get("projectId")
        env = src.get("environment")
        spath = norm_path(src.get("secretPath"))
        if raw and method == "GET" and len(tok["scopes"]) == 1 and not is_glob(tok["scopes"][0]["secretPath"]) \
                and "no-override" not in BREAK:
            pid, env, spath = tok["projectId"], tok["scopes"][0]["environment"], tok["scopes"][0]["secretPath"]
        if not pid or not env:
            raise ApiError(400, "Missing workspace id or environment", "BadRequest")
        action = {"GET": "read", "POST": "create", "PATCH": "edit", "DELETE": "delete"}[method]
        STORE.allow(tok, pid, env, spath, action)
        p = STORE.project(pid)
        secrets_ = p["secrets"]

        if name is None:
            if method != "GET":
                raise ApiError(404, "Route not found")
            items = sorted((k[2], rec) for k, rec in secrets_.items() if k[0] == env and k[1] == spath)
            if raw:
                view = q.get("viewSecretValue", "true") != "false"
                return 200, {"secrets": [raw_secret(p, env, spath, k, r, view) for k, r in items], "imports": []}
            out = {"secrets": [enc_secret(p, env, spath, k, r) for k, r in items]}
            if "no-imports" not in BREAK:
                out["imports"] = []
            return 200, out

        key = (env, spath, name)
        rec = secrets_.get(key)
        if method == "GET":
            if rec is None or ("personal-404" in BREAK and q.get("type") == "personal"):
                raise ApiError(404, "Secret with name '%s' not found" % name, "NotFound")
            return 200, {"secret": raw_secret(p, env, spath, name, rec) if raw else enc_secret(p, env, spath, name, rec)}
        if method == "POST":
            if rec is not None:
                raise ApiError(400, "Secret already exist", "BadRequest")
            if raw:
                value, comment = body.get("secretValue", ""), body.get("secretComment", "")
            else:
                if decrypt(p["wireKey"], body["secretKeyCiphertext"], body["secretKeyIV"], body["secretKeyTag"]) != name:
                    raise ApiError(400, "secretKeyCiphertext does not decrypt to the secret name")
                value = decrypt(p["wireKey"], body["secretValueCiphertext"], body["secretValueIV"], body["secretValueTag"])
                comment = ""
            rec = STORE.put_secret(p, env, spath, name, value, comment)
            out = raw_secret(p, env, spath, name, rec) if raw else enc_secret(p, env, spath, name, rec)
            return 200, {"secret": out}
        if rec is None:
            raise ApiError(404, "Secret with name '%s' not found" % name, "NotFound")
        if method == "PATCH":
            if raw:
                rec["value"] = body.get("secretValue", rec["value"])
                if "secretComment" in body:
                    rec["comment"] = body["secretComment"]
            else:
                rec["value"] = decrypt(p["wireKey"], body["secretValueCiphertext"], body["secretValueIV"],
                                       body["secretValueTag"])
            rec["version"] += 1
            rec["updatedAt"] = iso(now_dt())
            return 200, {"secret": raw_secret(p, env, spath, name, rec) if raw else enc_secret(p, env, spath, name, rec)}
        if method == "DELETE":
            del secrets_[key]
            if "no-delete-body" in BREAK:
                return 204, None
            return 200, {"secret": raw_secret(p, env, spath, name, rec) if raw else enc_secret(p, env, spath, name, rec)}
        raise ApiError(405, "Method not allowed", "MethodNotAllowed")


def main():
    host, port = os.environ.get("ENVKEEP_BIND", "127.0.0.1:8080").rsplit(":", 1)
    server = ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True
    print("envkeep-mock listening on %s:%s (break: %s)" % (host, port, ",".join(sorted(BREAK)) or "none"), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
