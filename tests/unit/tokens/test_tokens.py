"""API tokens' shape and scope (chalicelib.tokens.services): no I/O."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.tokens import credentials as tokens


def test_a_token_reads_back_into_its_id_and_secret():
    token = tokens.compose("a" * 24, "b" * 64)
    assert token.startswith("pypi-cs_") and tokens.parse(token) == ("a" * 24, "b" * 64)
    assert tokens.parse(f"  {token}\n") == ("a" * 24, "b" * 64)  # as pasted


@pytest.mark.parametrize("damage", [lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # checksum
                                    lambda t: t.replace("a", "c", 1),  # the id, checksum kept
                                    lambda t: t.upper(), lambda t: t[:-9], lambda t: "pypi-" + t[8:]])
def test_a_damaged_or_foreign_token_is_noise(damage):
    assert tokens.parse(damage(tokens.compose("a" * 24, "b" * 64))) is None


def test_scopes():
    everything = tokens.Authorized("alice", "t1", None)
    some = tokens.Authorized("alice", "t2", ["cheese-demo"])
    assert everything.may_upload_to("anything") and some.may_upload_to("cheese-demo")
    assert not some.may_upload_to("other-project")


def test_a_minted_token_is_bound_to_its_projects_identities(settings_env):
    token, item = tokens.mint({"cheese-demo": "uid-1", "brie": "uid-2"}, "GitHub: octo/spam", timedelta(minutes=15))
    assert tokens.parse(token) is not None
    assert item.projects == ["brie", "cheese-demo"] and item.bound == ["brie uid-2", "cheese-demo uid-1"]
    assert item.username is None and item.publisher == "GitHub: octo/spam"
    assert item.expires_at - item.created_at == timedelta(minutes=15)
    who = tokens.authorized(item, "secret", [])
    assert who.publisher == "GitHub: octo/spam" and who.bound == ("brie uid-2", "cheese-demo uid-1")
