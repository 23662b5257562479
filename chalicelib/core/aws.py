"""The one place that builds AWS clients and binds the tables to settings.

Clients are made on first use and remade when the settings change, never at import.
"""
from __future__ import annotations

import functools
import threading
import time
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.core import telemetry
from chalicelib.core.config import Settings, get_settings

LOCAL_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# A store that fails or hangs must be a 503 within seconds, not botocore's 60 s per attempt
# with retries: short timeouts, one retry. The same numbers bind the pynamodb models (core.db).
CONNECT_TIMEOUT = 2
READ_TIMEOUT = 3
ATTEMPTS = 2


def client(service: str) -> Any:
    return client_for(service, get_settings())


_making = threading.Lock()  # a boto3 session may not make two clients at once


@functools.cache
def _session() -> boto3.session.Session:
    """One session: every client shares its loaded service models and endpoints (each
    session would read them from disk again). Clients name their region and endpoint."""
    return boto3.session.Session()


@functools.lru_cache(maxsize=16)
def client_for(service: str, settings: Settings) -> Any:
    """The client for one service; pynamodb's tables share the DynamoDB one (core.db)."""
    extra: dict[str, Any] = dict(LOCAL_CREDENTIALS) if settings.is_local else {}
    config = Config(connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                    retries={"max_attempts": ATTEMPTS, "mode": "standard"})
    if service == "s3":  # presigned download URLs need SigV4
        config = config.merge(Config(signature_version="s3v4"))
    extra["config"] = config
    with _making:
        made = _session().client(service, region_name=settings.region, endpoint_url=settings.aws_endpoint, **extra)
    made.meta.events.register("before-call", _started)
    made.meta.events.register("after-call", _finished)
    return made


def _started(context: dict[str, Any], **_: Any) -> None:
    context["cheeseshop-started"] = time.perf_counter()


def _finished(context: dict[str, Any], **_: Any) -> None:
    """Every store call, counted with its time (core.telemetry: a metric per request)."""
    if "cheeseshop-started" in context:
        telemetry.stored((time.perf_counter() - context["cheeseshop-started"]) * 1000)


def reset() -> None:
    """Forget every client (tests start moto afresh)."""
    client_for.cache_clear()


UNAVAILABLE_CODES = {"ThrottlingException", "ProvisionedThroughputExceededException",
                     "RequestLimitExceeded", "InternalServerError", "ServiceUnavailable",
                     "SlowDown", "Throttling",
                     "NoSuchBucket", "ResourceNotFoundException"}  # a store removed or not yet made


def is_unavailable(exc: BaseException) -> bool:
    """Whether an error means a store could not be reached or shed load (a 503, not a bug)."""
    from botocore.exceptions import BotoCoreError, ClientError

    cause = getattr(exc, "cause", None) or exc.__cause__ or exc
    if isinstance(cause, BotoCoreError):
        return True
    return isinstance(cause, ClientError) and cause.response.get("Error", {}).get("Code") in UNAVAILABLE_CODES
