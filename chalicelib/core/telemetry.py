"""Operations: structured JSON logs and metrics.

Every log line is one JSON object with the request's id (API Gateway's, else a new one), its
level, logger and message; what looks like a secret (an API token, a webhook secret, a password,
code or token in a query or form) is replaced before the line is written. Metrics are lines in
CloudWatch's embedded metric format on standard output, which CloudWatch Logs turns into metrics
(namespace "cheeseshop"): uploads, upload refusals by status, logins, login failures, 5xx
answers, store calls and their time per request. Written here rather than with
aws-lambda-powertools: the standard library's logging and json do it, and a cold start loads
nothing more."""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any, NamedTuple

NAMESPACE = "cheeseshop"
SECRET = re.compile(r"\b(pypi-[\w-]{8,}|whsec_[\w-]{8,})|\b(password|passwd|secret|code|token|csrf_token)=([^&\s\"']+)",
                    re.IGNORECASE)


class Store(NamedTuple):
    calls: int = 0
    ms: float = 0.0


request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
NOTHING_STORED = Store()
store: contextvars.ContextVar[Store] = contextvars.ContextVar("store", default=NOTHING_STORED)
enabled = {"metrics": False}  # on in a deployed stage (install_once), where standard output goes to CloudWatch


def redact(text: str) -> str:
    return SECRET.sub(lambda m: "[redacted]" if m.group(1) else f"{m.group(2)}=[redacted]", text)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "request_id": request_id.get(),
            "message": redact(record.getMessage())}
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def install_once(deployed: bool) -> None:
    """In a deployed stage, once per container: JSON lines and metrics (the local stages keep
    plain logs, and their tests' log capture)."""
    if deployed and not enabled["metrics"]:
        install()


def install() -> None:
    """Every handler of the root logger writes JSON lines (Lambda's own included); metrics on."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(sys.stderr))
    for handler in root.handlers:
        handler.setFormatter(JsonLines())
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    enabled["metrics"] = True


def begin(given_id: str | None) -> None:
    """A request starts: its id on every line, its store time counted from zero."""
    request_id.set(given_id or uuid.uuid4().hex)
    store.set(NOTHING_STORED)


def stored(ms: float) -> None:
    """One store call took this long (core.aws counts every call of every client)."""
    now = store.get()
    store.set(Store(now.calls + 1, now.ms + ms))


def metric(name: str, value: float = 1, unit: str = "Count", **dimensions: str) -> None:
    if not enabled["metrics"]:
        return
    doc: dict[str, Any] = {"_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [
        {"Namespace": NAMESPACE, "Dimensions": [sorted(dimensions)], "Metrics": [{"Name": name, "Unit": unit}]}]},
        name: value, **dimensions, "request_id": request_id.get()}
    sys.stdout.write(json.dumps(doc) + "\n")
    sys.stdout.flush()


def end(status: int) -> None:
    """A request ends: its store calls and time, and a 5xx counted."""
    spent = store.get()
    if spent.calls:
        metric("StoreCalls", spent.calls)
        metric("StoreLatency", round(spent.ms, 1), "Milliseconds")
    if status >= 500:
        metric("ServerErrors")
