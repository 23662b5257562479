"""An OIDC token from CI: its issuer, its signature and times, and whether its claims match a
publisher. Refusals carry PyPI's error codes, which publishing actions print."""
from __future__ import annotations

import json
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from chalicelib.core.config import get_settings
from chalicelib.oidc import jwks
from chalicelib.oidc.models import Publisher

LEEWAY = 30  # seconds of clock difference allowed on iat, nbf and exp
REQUIRED = ["iss", "iat", "exp", "aud", "jti"]
TOKEN_MAX = 16 * 1024


class Refused(Exception):
    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


class Verified(NamedTuple):
    kind: str  # "github" or "gitlab"
    issuer: str
    claims: dict[str, Any]


def issuer_kind(issuer: str) -> str | None:
    return next((kind for kind, trusted in get_settings().oidc_issuers.items() if trusted == issuer), None)


def verify(token: Any) -> Verified:
    """The token's verified claims; Refused with invalid-payload for what is not a token from a
    trusted issuer (no key is fetched for any other), invalid-token for a bad signature or time."""
    import jwt  # only the mint endpoint needs it: not loaded on a cold start

    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
        raise Refused("invalid-payload", "token is missing or not a string")
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise Refused("invalid-payload", "malformed JWT") from exc
    issuer = unverified.get("iss")
    if not isinstance(issuer, str) or (kind := issuer_kind(issuer)) is None:
        raise Refused("invalid-payload", "unknown trusted publishing issuer")
    if header.get("alg") != "RS256":
        raise Refused("invalid-token", "only RS256 tokens are accepted")
    kid = header.get("kid")
    key = jwks.key_for(issuer, kid) if isinstance(kid, str) else None
    if key is None:
        raise Refused("invalid-token", "the token is signed with a key its issuer does not publish")
    try:
        claims = jwt.decode(token, key=jwt.PyJWK(key, algorithm="RS256").key, algorithms=["RS256"],
                            audience=get_settings().oidc_audience, issuer=issuer, leeway=LEEWAY,
                            options={"require": REQUIRED, "strict_aud": True})
    except jwt.PyJWTError as exc:
        raise Refused("invalid-token", f"invalid token: {exc}") from exc
    if not isinstance(claims.get("jti"), str):
        raise Refused("invalid-token", "invalid token: jti must be a string")
    return Verified(kind, issuer, claims)


def _lower(value: Any) -> str:
    return value.lower() if isinstance(value, str) else ""


def mismatch(kind: str, issuer: str, publisher: Publisher, claims: dict[str, Any]) -> str | None:
    """Why these claims do not match this publisher, or None when they do."""
    if kind == "github":
        return _github_mismatch(publisher, claims)
    return _gitlab_mismatch(urlsplit(issuer).netloc, publisher, claims)


def _environment_mismatch(publisher: Publisher, claims: dict[str, Any]) -> str | None:
    if publisher.environment and _lower(claims.get("environment")) != publisher.environment.lower():
        return "environment"
    return None


def _github_mismatch(publisher: Publisher, claims: dict[str, Any]) -> str | None:
    repository = f"{publisher.owner}/{publisher.name}".lower()
    if _lower(claims.get("repository")) != repository:
        return "repository"
    if _lower(claims.get("repository_owner")) != publisher.owner.lower():
        return "repository_owner"
    if not _lower(claims.get("job_workflow_ref")).startswith(f"{repository}/.github/workflows/"
                                                             f"{publisher.workflow.lower()}@"):
        return "job_workflow_ref"
    if claims.get("event_name") == "pull_request_target":
        return "event_name"  # runs code from a fork with the base repository's identity
    owner_id = claims.get("repository_owner_id")
    if not isinstance(owner_id, str) or (publisher.owner_id and owner_id != publisher.owner_id):
        return "repository_owner_id"  # the owner was deleted and its name taken by another account
    return _environment_mismatch(publisher, claims)


def _gitlab_mismatch(host: str, publisher: Publisher, claims: dict[str, Any]) -> str | None:
    project_path = f"{publisher.owner}/{publisher.name}".lower()
    if _lower(claims.get("project_path")) != project_path:
        return "project_path"
    if not _lower(claims.get("ci_config_ref_uri")).startswith(f"{host.lower()}/{project_path}//"
                                                              f"{publisher.workflow.lower()}@"):
        return "ci_config_ref_uri"
    return _environment_mismatch(publisher, claims)


def repository_of(kind: str, claims: dict[str, Any]) -> str:
    """The by_repository key of the publishers these claims could match."""
    return f"{kind}:{_lower(claims.get('repository') if kind == 'github' else claims.get('project_path'))}"


def label_of(kind: str, claims: dict[str, Any]) -> str:
    """Who uploaded, as the project's history shows it: the workflow file and the ref it ran at."""
    if kind == "github":
        return f"GitHub: {claims.get('job_workflow_ref', '')}"
    return f"GitLab: {claims.get('ci_config_ref_uri', '')}"


def attester_of(kind: str, claims: dict[str, Any]) -> str:
    """The workflow these claims come from, as PEP 740 names a publisher (pypi-attestations'
    GitHubPublisher and GitLabPublisher, in JSON): the identity its attestations must be signed by.
    The claims have matched a publisher, so they are well formed."""
    environment = claims.get("environment") or None
    if kind == "github":
        workflow = str(claims.get("job_workflow_ref", "")).split("@", 1)[0].rsplit("/.github/workflows/", 1)[-1]
        found = {"kind": "GitHub", "repository": claims.get("repository", ""), "workflow": workflow}
    else:
        path = str(claims.get("ci_config_ref_uri", "")).split("//", 1)[-1].split("@", 1)[0]
        found = {"kind": "GitLab", "repository": claims.get("project_path", ""), "workflow_filepath": path}
    return json.dumps({**found, "environment": environment})
