"""What read access costs a simple page: store calls and the app's own time of a 400-file
project's page, public and anonymous (the cost every public read keeps), then with a read
token: of a public project, of a private project (the token's first read in a container, and
every later one), and on a private index. The access check is one BatchGetItem of the token,
its owner and their role once the container knows who owns the token.

Run: .venv/bin/python bench/private_reads.py [runs]
"""
from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import simple_page as harness  # noqa: E402  (the store-call counter and the timer)

NAME = "private-of-400"


def seed_reader() -> str:
    """alice, with an authenticator app and a verified address, Owner of the project; her token
    with the Read permission."""
    from chalicelib.accounts.models import Email, User
    from chalicelib.core import crypto, keys
    from chalicelib.packaging.permissions import creator_role
    from chalicelib.tokens import credentials
    from chalicelib.tokens.models import Token

    now = datetime.now(UTC)
    User("alice", display_username="alice", primary_email="alice@example.com", password_hash="-",
         password_changed_at=now, created_at=now, totp_secret="sealed", totp_added_at=now).save()
    Email("alice", "alice@example.com", address="alice@example.com", verified=True, created_at=now).save()
    creator_role("alice", NAME, NAME).save()
    token_id, secret = "a" * 24, "b" * 64
    Token(token_id, username="alice", name="install", scopes=["read"], created_at=now,
          secret_hash=crypto.keyed_hash(secret, purpose=keys.API_TOKEN), owner_email="alice@example.com").save()
    return credentials.compose(token_id, secret)


def main(runs: int) -> None:
    import botocore.client
    from chalice.test import Client
    from moto import mock_aws

    from tests.distributions import basic

    botocore.client.BaseClient._make_api_call = harness._counting  # type: ignore[method-assign]
    with mock_aws():
        from app import app
        from chalicelib import provision
        from chalicelib.core.config import get_settings
        from chalicelib.packaging import pages
        from chalicelib.packaging.models import Project
        from chalicelib.readers import services as readers

        provision.ensure_all(get_settings())
        client = Client(app, stage_name="bench", project_dir=str(harness.ROOT))
        harness.seed(NAME, 400)
        token = basic(seed_reader())
        pages.refresh(NAME)
        path = f"/simple/{NAME}/"
        print(f"a simple page of 400 files, in-process, median of {runs}: app time + time in moto; DynamoDB calls")

        def show(label: str, headers: dict[str, str], runs: int = runs) -> None:
            app_time, store_time, detail, response = harness.timed(client, path, headers, runs)
            assert response.status_code == 200, response.body
            print(f"  {label:44s} app {app_time * 1000:6.1f} ms + moto {store_time * 1000:6.1f} ms; {detail}")
        show("public, anonymous", {})
        show("public, with a read token", {"authorization": token})
        Project(NAME).update(actions=[Project.private.set(True), Project.serial.add(1)])
        _mark_stale(NAME)
        pages.refresh(NAME)
        readers._owners.clear()
        show("private, the token's first read here", {"authorization": token}, 1)
        show("private, with a read token", {"authorization": token})
        os.environ["CHEESESHOP_PRIVATE_INDEX"] = "1"
        show("a private index, the same token", {"authorization": token})


def _mark_stale(name: str) -> None:
    from chalicelib.core.db import transaction
    from chalicelib.packaging import pages

    with transaction() as t:
        pages.changed(t, name)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
