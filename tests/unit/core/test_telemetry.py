"""Structured logs and metrics (chalicelib.core.telemetry): one JSON object a line with the
request's id, secrets replaced; metrics in CloudWatch's embedded format."""
from __future__ import annotations

import io
import json
import logging

import pytest

from chalicelib.core import telemetry


@pytest.fixture
def lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(telemetry.JsonLines())
    logger = logging.getLogger("cheeseshop.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def test_each_line_is_json_with_the_requests_id(lines):
    logger, stream = lines
    telemetry.begin("req-123")
    logger.info("uploaded %s", "cheese-1.0.tar.gz")
    try:
        raise RuntimeError("a store failed")
    except RuntimeError:
        logger.exception("could not list")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["request_id"] == second["request_id"] == "req-123"
    assert (first["level"], first["message"]) == ("INFO", "uploaded cheese-1.0.tar.gz")
    assert "RuntimeError: a store failed" in second["exception"]


@pytest.mark.parametrize("secret", [
    "pypi-cs_21d3a37b0811d71d2a02e39a_24f24873612a4e4dc1cc90af8f",
    "whsec_y7oWQjqSpN-wBBXZINtX7gOCY3PBeTiPUgJo",
])
def test_tokens_and_webhook_secrets_never_reach_a_line(lines, secret):
    logger, stream = lines
    logger.warning("refused Authorization %s", secret)
    logger.warning("GET /x?token=%s&password=hunter2&code=123456 failed", secret)
    text = stream.getvalue()
    assert secret not in text and "hunter2" not in text and "123456" not in text
    assert "[redacted]" in text and "password=[redacted]" in text


def test_metrics_are_embedded_metric_format_lines(capsys, monkeypatch):
    monkeypatch.setitem(telemetry.enabled, "metrics", True)
    telemetry.begin("req-9")
    telemetry.stored(12.5)
    telemetry.stored(7.5)
    telemetry.metric("UploadRefusals", Reason="400")
    telemetry.end(503)
    docs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_name = {doc["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"]: doc for doc in docs}
    assert set(by_name) == {"UploadRefusals", "StoreCalls", "StoreLatency", "ServerErrors"}
    refusal = by_name["UploadRefusals"]
    assert refusal["_aws"]["CloudWatchMetrics"][0] == {"Namespace": "cheeseshop", "Dimensions": [["Reason"]],
                                                       "Metrics": [{"Name": "UploadRefusals", "Unit": "Count"}]}
    assert refusal["Reason"] == "400" and refusal["UploadRefusals"] == 1 and refusal["request_id"] == "req-9"
    assert by_name["StoreCalls"]["StoreCalls"] == 2 and by_name["StoreLatency"]["StoreLatency"] == 20.0


def test_nothing_is_written_while_metrics_are_off(capsys, monkeypatch):
    monkeypatch.setitem(telemetry.enabled, "metrics", False)  # the local stages (install_once turns them on)
    telemetry.metric("Uploads")
    assert capsys.readouterr().out == ""
