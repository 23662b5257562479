"""A stand-in OIDC issuer for the trusted publishing tests: an RSA key (more on rotation), the
discovery document and JWKS over HTTP on 127.0.0.1, tokens with GitHub's or GitLab's claims,
and GitHub's ACTIONS_ID_TOKEN_REQUEST_URL endpoint for the real `id` package."""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

REQUEST_TOKEN = "request-token-for-the-id-package"


class Issuer:
    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}
        self.published: set[str] = set()  # key ids in the JWKS
        self.fetches: Counter[str] = Counter()
        self.next_claims: dict[str, Any] = {}  # what the ID-token endpoint puts in its next token
        self.add_key("key-1")
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = urlsplit(self.path)
                issuer.fetches[path.path] += 1
                if path.path == "/.well-known/openid-configuration":
                    here = f"http://{self.headers['Host']}"  # as it was asked for: 127.0.0.1 or localhost
                    self._answer({"issuer": here, "jwks_uri": here + "/jwks"})
                elif path.path == "/jwks":
                    self._answer({"keys": [issuer.jwk(kid) for kid in sorted(issuer.published)]})
                elif path.path == "/id-token" and self.headers.get("Authorization") == f"bearer {REQUEST_TOKEN}":
                    audience = parse_qs(path.query).get("audience", [""])[0]
                    self._answer({"value": issuer.github_token(aud=audience, **issuer.next_claims)})
                else:
                    self.send_error(404)

            def _answer(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()

    def add_key(self, kid: str, publish: bool = True) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if publish:
            self.published.add(kid)

    def jwk(self, kid: str) -> dict[str, Any]:
        key = jwt.algorithms.RSAAlgorithm.to_jwk(self.keys[kid].public_key(), as_dict=True)
        return {**key, "kid": kid, "alg": "RS256", "use": "sig"}

    def sign(self, claims: dict[str, Any], kid: str = "key-1", **headers: Any) -> str:
        return jwt.encode(claims, self.keys[kid], algorithm="RS256", headers={"kid": kid, **headers})

    def _base(self, aud: str, lifetime: int) -> dict[str, Any]:
        now = int(time.time())
        return {"iss": self.url, "aud": aud, "iat": now, "nbf": now, "exp": now + lifetime, "jti": str(uuid.uuid4())}

    def github_token(self, *, owner: str = "octo-org", repo: str = "spam", workflow: str = "release.yml",
                     ref: str = "refs/tags/v1.0", environment: str | None = None, owner_id: str = "4242",
                     event_name: str = "push", aud: str = "cheeseshop", lifetime: int = 300, kid: str = "key-1",
                     **extra: Any) -> str:
        claims = {**self._base(aud, lifetime), "sub": f"repo:{owner}/{repo}:ref:{ref}", "repository": f"{owner}/{repo}",
                  "repository_owner": owner, "repository_owner_id": owner_id, "event_name": event_name,
                  "job_workflow_ref": f"{owner}/{repo}/.github/workflows/{workflow}@{ref}", "ref": ref,
                  **({"environment": environment} if environment else {}), **extra}
        return self.sign({k: v for k, v in claims.items() if v is not None}, kid)

    def gitlab_token(self, *, namespace: str = "cheese-group", project: str = "spam",
                     pipeline: str = ".gitlab-ci.yml", ref: str = "refs/heads/main", environment: str | None = None,
                     aud: str = "cheeseshop", lifetime: int = 300, kid: str = "key-1", **extra: Any) -> str:
        claims = {**self._base(aud, lifetime), "sub": f"project_path:{namespace}/{project}:ref_type:branch:ref:main",
                  "namespace_path": namespace, "project_path": f"{namespace}/{project}",
                  "ci_config_ref_uri": f"{self.host}/{namespace}/{project}//{pipeline}@{ref}",
                  **({"environment": environment} if environment else {}), **extra}
        return self.sign(claims, kid)
