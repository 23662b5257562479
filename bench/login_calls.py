"""DynamoDB calls per login: counts the API calls made while answering POST /account/login/.

Runs the app in-process (chalice.test.Client) over moto and counts every DynamoDB
operation botocore sends during the login request alone. Target: at most 4.
Run: .venv/bin/python bench/login_calls.py
"""
from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(CHEESESHOP_STAGE="bench", CHEESESHOP_SECRET_KEY="bench-secret", AWS_ACCESS_KEY_ID="x",
                  AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1",
                  CHEESESHOP_MAIL_DIR=tempfile.mkdtemp())

import botocore.client  # noqa: E402
from chalice.test import Client  # noqa: E402
from moto import mock_aws  # noqa: E402

from tests.helpers import Browser, Mailbox  # noqa: E402

PASSWORD = "correct horse battery staple"
calls: Counter[str] = Counter()
_original = botocore.client.BaseClient._make_api_call


def _counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
    if self.meta.service_model.service_name == "dynamodb":
        calls[operation] += 1
    return _original(self, operation, params)


def measure(browser: Browser, login: str) -> Counter[str]:
    token = browser.get("/account/login/").csrf()
    calls.clear()
    page = browser.post("/account/login/", {"username": login, "password": PASSWORD}, csrf=token)
    assert page.status == 303, page.text
    return Counter(calls)


def main() -> None:
    botocore.client.BaseClient._make_api_call = _counting  # type: ignore[method-assign]
    with mock_aws():
        from app import app
        from chalicelib import provision
        from chalicelib.core.config import get_settings

        provision.ensure_all(get_settings())
        client = Client(app, stage_name="bench", project_dir=str(ROOT))
        browser = Browser(client)
        browser.submit("/account/register/", {"username": "bench", "email": "bench@example.com",
                                              "password": PASSWORD, "password_confirm": PASSWORD})
        browser.get(Mailbox(Path(os.environ["CHEESESHOP_MAIL_DIR"])).last_link(
            "bench@example.com", "/account/verify-email/"))
        print("DynamoDB calls per login (target <= 4)")
        first = Browser(client)
        for label, who, login in (("by username", first, "bench"),
                                  ("by verified email", Browser(client), "bench@example.com"),
                                  ("again, replacing a session", first, "bench")):
            counted = measure(who, login)
            detail = ", ".join(f"{op} x{n}" for op, n in sorted(counted.items()))
            print(f"  {label:28s}: {sum(counted.values())}  ({detail})")


if __name__ == "__main__":
    main()
