"""Settings: the only module that reads the environment.

Read lazily and per call, because the Chalice test client sets the environment
per request; a cache keyed on the raw values keeps that cheap.
"""
from __future__ import annotations

import functools
import ipaddress
import os
from typing import NamedTuple
from urllib.parse import urlsplit

ENV_NAMES = (
    "CHEESESHOP_STAGE",
    "CHEESESHOP_SECRET_KEY",
    "CHEESESHOP_RETIRED_SECRET_KEYS",
    "CHEESESHOP_TABLE_PREFIX",
    "CHEESESHOP_BUCKET",
    "CHEESESHOP_MAIL_SENDER",
    "CHEESESHOP_MAIL_DIR",
    "CHEESESHOP_BASE_URL",
    "CHEESESHOP_PATH_PREFIX",
    "CHEESESHOP_TOTP_ISSUER",
    "CHEESESHOP_WEBAUTHN_RP_ID",
    "CHEESESHOP_WEBAUTHN_ORIGIN",
    "CHEESESHOP_OIDC_GITHUB_ISSUER",
    "CHEESESHOP_OIDC_GITLAB_ISSUER",
    "CHEESESHOP_OIDC_AUDIENCE",
    "CHEESESHOP_SIMPLE_MAX_AGE",
    "CHEESESHOP_CDN_PARAMETER",
    "CHEESESHOP_MAX_FILE_SIZE",
    "CHEESESHOP_DELETED_NAME_HOLD",
    "CHEESESHOP_RECOVERY_WAIT_SECONDS",
    "CHEESESHOP_CONFIRM_NEW_DEVICES",
    "CHEESESHOP_NEW_DEVICE_LINK_SECONDS",
    "CHEESESHOP_PRIVATE_INDEX",
    "CHEESESHOP_FILES_URL",
    "CHEESESHOP_UPSTREAM_INDEX",
    "CHEESESHOP_UPSTREAM_COPY",
    "CHEESESHOP_SIGSTORE_TRUST_ROOT",
    "CHEESESHOP_EVENT_BUS",
    "CHEESESHOP_EVENT_FILE",
    "CHEESESHOP_WEBHOOK_RETRY_SECONDS",
    "CHEESESHOP_DOWNLOAD_LOGS",
    "AWS_ENDPOINT_URL",
    "AWS_DEFAULT_REGION",
    "PORT",
)
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
GITLAB_ISSUER = "https://gitlab.com"
# Only for `local` and the test suite's `test`: every other stage must be given its own key.
DEV_SECRET_KEY = "cheeseshop-local-development-key-not-secret"
LOCAL_STAGES = frozenset({"local", "test"})


class ConfigurationError(RuntimeError):
    pass


class Settings(NamedTuple):
    stage: str
    secret_key: str
    retired_secret_keys: tuple[str, ...]  # still accepted for what they made; see core.keys
    table_prefix: str
    bucket: str
    region: str
    aws_endpoint: str | None
    mail_sender: str
    mail_dir: str | None
    base_url: str
    path_prefix: str
    totp_issuer: str
    webauthn_rp_id: str
    webauthn_origin: str
    oidc_github_issuer: str  # the issuers trusted for trusted publishing
    oidc_gitlab_issuer: str
    oidc_audience: str
    simple_max_age: int  # seconds installers and caches may keep a simple page without asking again
    cdn_parameter: str  # the SSM parameter naming the CDN's distribution; empty: no CDN
    max_file_size: int  # bytes a file sent by an upload session may hold (the legacy POST takes 4 MiB)
    deleted_name_hold_days: int | None  # days a deleted project's name is held for its Owners; None: until released
    recovery_wait_seconds: int  # from an administrator's start of an account recovery to its mailed link working
    confirm_new_devices: bool  # a code login from a browser the account has not seen waits for a mailed link
    new_device_link_seconds: int  # how long that link works
    private_index: bool  # every read needs a credential (an administrator can also switch it on: core.switches)
    files_url: str  # where public files are linked directly (a URL, or a path on this host); "": by /packages/
    upstream_index: str  # a simple index whose projects this one passes through (chalicelib.upstream); "": off
    upstream_copy: bool  # upstream files are copied to this index's bucket at their first download
    sigstore_trust_root: str  # a private Sigstore instance's trusted root (a JSON file); "": the public-good one
    event_bus: str  # the EventBridge bus every event is put on; "": none
    event_file: str  # a file every event is appended to as a JSON line (the local stage's stream); "": none
    webhook_retry_seconds: tuple[int, ...]  # the waits before each retry of a failed webhook delivery
    download_logs: tuple[str, str] | None  # the bucket and prefix the file URL's access logs land in; None: none

    @property
    def is_local(self) -> bool:
        return self.stage in LOCAL_STAGES

    @property
    def cookie_secure(self) -> bool:
        return not self.is_local

    @property
    def oidc_issuers(self) -> dict[str, str]:
        return {"github": self.oidc_github_issuer, "gitlab": self.oidc_gitlab_issuer}

    def url(self, path: str) -> str:
        """An absolute URL for links that leave the site (mails)."""
        return self.base_url.rstrip("/") + self.path_prefix + path


def get_settings() -> Settings:
    return _settings(tuple(os.environ.get(name) for name in ENV_NAMES))


@functools.lru_cache(maxsize=8)
def _settings(values: tuple[str | None, ...]) -> Settings:
    env = dict(zip(ENV_NAMES, values, strict=True))
    stage = env["CHEESESHOP_STAGE"] or "local"
    secret = env["CHEESESHOP_SECRET_KEY"]
    if not secret:
        if stage not in LOCAL_STAGES:
            raise ConfigurationError(f"CHEESESHOP_SECRET_KEY must be set for the stage '{stage}'")
        secret = DEV_SECRET_KEY
    endpoint = env["AWS_ENDPOINT_URL"]
    if not endpoint and stage == "local":
        endpoint = "http://127.0.0.1:5000"
    port = env["PORT"] or "8000"
    return Settings(
        stage=stage,
        secret_key=secret,
        retired_secret_keys=tuple(key for key in (env["CHEESESHOP_RETIRED_SECRET_KEYS"] or "").split()
                                  if key != secret),
        table_prefix=env["CHEESESHOP_TABLE_PREFIX"] or "cheeseshop-",
        bucket=env["CHEESESHOP_BUCKET"] or "cheeseshop-files",
        region=env["AWS_DEFAULT_REGION"] or "us-east-1",
        aws_endpoint=endpoint or None,
        mail_sender=env["CHEESESHOP_MAIL_SENDER"] or "cheeseshop <noreply@cheeseshop.example>",
        mail_dir=env["CHEESESHOP_MAIL_DIR"] or None,
        base_url=env["CHEESESHOP_BASE_URL"] or f"http://127.0.0.1:{port}",
        path_prefix=(env["CHEESESHOP_PATH_PREFIX"] or "").rstrip("/"),
        totp_issuer=env["CHEESESHOP_TOTP_ISSUER"] or "cheeseshop",
        **_issuers(stage, {"oidc_github_issuer": env["CHEESESHOP_OIDC_GITHUB_ISSUER"] or GITHUB_ISSUER,
                           "oidc_gitlab_issuer": env["CHEESESHOP_OIDC_GITLAB_ISSUER"] or GITLAB_ISSUER}),
        oidc_audience=env["CHEESESHOP_OIDC_AUDIENCE"] or "cheeseshop",
        simple_max_age=_whole("CHEESESHOP_SIMPLE_MAX_AGE", env["CHEESESHOP_SIMPLE_MAX_AGE"], 60, "seconds"),
        cdn_parameter=env["CHEESESHOP_CDN_PARAMETER"] or "",
        max_file_size=_whole("CHEESESHOP_MAX_FILE_SIZE", env["CHEESESHOP_MAX_FILE_SIZE"], 100 * 1024 * 1024, "bytes"),
        deleted_name_hold_days=_hold(env["CHEESESHOP_DELETED_NAME_HOLD"]),
        recovery_wait_seconds=_whole("CHEESESHOP_RECOVERY_WAIT_SECONDS", env["CHEESESHOP_RECOVERY_WAIT_SECONDS"],
                                     48 * 3600, "seconds"),
        confirm_new_devices=_switch("CHEESESHOP_CONFIRM_NEW_DEVICES", env["CHEESESHOP_CONFIRM_NEW_DEVICES"], True),
        new_device_link_seconds=_whole("CHEESESHOP_NEW_DEVICE_LINK_SECONDS", env["CHEESESHOP_NEW_DEVICE_LINK_SECONDS"],
                                       15 * 60, "seconds"),
        private_index=_switch("CHEESESHOP_PRIVATE_INDEX", env["CHEESESHOP_PRIVATE_INDEX"], False),
        files_url=_files_url(env["CHEESESHOP_FILES_URL"]),
        upstream_index=_upstream(stage, env["CHEESESHOP_UPSTREAM_INDEX"]),
        upstream_copy=_switch("CHEESESHOP_UPSTREAM_COPY", env["CHEESESHOP_UPSTREAM_COPY"], False),
        sigstore_trust_root=(env["CHEESESHOP_SIGSTORE_TRUST_ROOT"] or "").strip(),
        event_bus=(env["CHEESESHOP_EVENT_BUS"] or "").strip(),
        event_file=(env["CHEESESHOP_EVENT_FILE"] or "").strip(),
        webhook_retry_seconds=_waits("CHEESESHOP_WEBHOOK_RETRY_SECONDS", env["CHEESESHOP_WEBHOOK_RETRY_SECONDS"]),
        download_logs=_logs(env["CHEESESHOP_DOWNLOAD_LOGS"]),
        **_relying_party(env["CHEESESHOP_BASE_URL"] or f"http://127.0.0.1:{port}",
                         env["CHEESESHOP_WEBAUTHN_RP_ID"], env["CHEESESHOP_WEBAUTHN_ORIGIN"]),
    )


def _whole(name: str, value: str | None, default: int, unit: str) -> int:
    if not value:
        return default
    if not value.strip().isdigit():
        raise ConfigurationError(f"{name} must be a whole number of {unit}, not '{value}'")
    return int(value)


def _waits(name: str, value: str | None) -> tuple[int, ...]:
    """Seconds before each retry, comma-separated: by default the first within 5 minutes, the
    last about 8.6 hours after the first attempt."""
    if not value:
        return (60, 300, 1800, 7200, 21600)
    parts = [part.strip() for part in value.split(",")]
    if not all(part.isdigit() for part in parts):
        raise ConfigurationError(f"{name} must be whole numbers of seconds separated by commas, not '{value}'")
    return tuple(int(part) for part in parts)


def _switch(name: str, value: str | None, default: bool) -> bool:
    if not value:
        return default
    if value.strip() not in ("0", "1"):
        raise ConfigurationError(f"{name} must be 1 (on) or 0 (off), not '{value}'")
    return value.strip() == "1"


def _files_url(value: str | None) -> str:
    """Where public files are served without the app: an http(s) URL (the local file server), or
    a path on the site's own host (the CDN's "/files"); empty or "off": every download goes
    through /packages/."""
    value = (value or "").strip().rstrip("/")
    if value in ("", "off"):
        return ""
    parts = urlsplit(value)
    if not ((parts.scheme in ("http", "https") and parts.hostname) or (value.startswith("/") and not parts.netloc)):
        raise ConfigurationError(f"CHEESESHOP_FILES_URL must be an http(s) URL, a path, or 'off', not '{value}'")
    return value


def _logs(value: str | None) -> tuple[str, str] | None:
    """s3://bucket/prefix/ (the CDN's standard logs, counted as downloads); empty or "off": none."""
    value = (value or "").strip()
    if value in ("", "off"):
        return None
    parts = urlsplit(value)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ConfigurationError(f"CHEESESHOP_DOWNLOAD_LOGS must be s3://<bucket>/<prefix>/ or 'off', not '{value}'")
    return parts.netloc, parts.path.lstrip("/")


def _upstream(stage: str, value: str | None) -> str:
    """The upstream simple index, ending in "/": https, or in the local stages also plain http on
    the loopback interface (a test's own index); empty or "off": no pass-through."""
    value = (value or "").strip()
    if value in ("", "off"):
        return ""
    parts = urlsplit(value)
    loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost") and stage in LOCAL_STAGES
    if not ((parts.scheme == "https" and parts.hostname) or loopback) or parts.query or parts.fragment:
        raise ConfigurationError("CHEESESHOP_UPSTREAM_INDEX must be an https URL of a simple index (in the local "
                                 f"stage also http://127.0.0.1:<port>/...), or 'off', not '{value}'")
    return value.rstrip("/") + "/"


def _hold(value: str | None) -> int | None:
    """'forever' (the default: until an administrator releases the name), or whole days (0: no hold)."""
    if not value or value.strip().lower() == "forever":
        return None
    return _whole("CHEESESHOP_DELETED_NAME_HOLD", value, 0, "days (or 'forever')")


def _issuers(stage: str, issuers: dict[str, str]) -> dict[str, str]:
    """Trusted issuers must be https; the `local` stage (and the tests') may also trust an
    http issuer on the loopback interface, so a test can run its own."""
    for kind, issuer in issuers.items():
        parts = urlsplit(issuer)
        loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
        if not (parts.scheme == "https" and parts.hostname) and not (loopback and stage in LOCAL_STAGES):
            raise ConfigurationError(f"{kind} must be an https URL: {issuer!r}")
    return {kind: issuer.rstrip("/") for kind, issuer in issuers.items()}


def _relying_party(base_url: str, rp_id: str | None, origin: str | None) -> dict[str, str]:
    """WebAuthn's relying-party id and origin. Browsers refuse an IP address as the id, so a
    site served on 127.0.0.1 uses security keys at localhost, the same server by name."""
    parts = urlsplit(base_url)
    host = parts.hostname or "localhost"
    if _is_ip(host):
        host = "localhost"
    rp_id = rp_id or host
    if not origin:
        port = f":{parts.port}" if parts.port else ""
        origin = f"{parts.scheme}://{rp_id}{port}"
    return {"webauthn_rp_id": rp_id, "webauthn_origin": origin.rstrip("/")}


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
