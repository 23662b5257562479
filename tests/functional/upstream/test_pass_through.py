"""Pass-through, tried as an attacker would: the upstream gains a higher version of a local
name, or a name inside a granted namespace, or a name a private project holds; it goes down;
it serves files the administrators blocked or that are too young. Each answer is checked
against what an installer would take."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest

from chalicelib.admin import upstream as rules
from chalicelib.admin.models import AdminAction
from chalicelib.core import aws, clock
from chalicelib.core.config import get_settings
from chalicelib.core.origin import Origin
from chalicelib.upstream.models import UpstreamPage
from chalicelib.upstream.views import STALE
from tests import distributions as d
from tests.functional.admin.conftest import act
from tests.functional.forklift.test_upload import upload_wheel
from tests.functional.upstream.conftest import get


def files_of(answer) -> dict[str, dict]:
    assert answer.status_code == 200, answer.body
    return {f["filename"]: f for f in json.loads(answer.body)["files"]}


def test_a_name_only_the_upstream_holds_is_served_with_its_hashes_and_upload_time(client, upstream):
    entry = upstream.add("gouda", "gouda-1.0-py3-none-any.whl", d.wheel("gouda", "1.0"), requires_python=">=3.9",
                         **{"core-metadata": {"sha256": "ab" * 32}})
    files = files_of(get(client, "/simple/gouda/"))
    served = files["gouda-1.0-py3-none-any.whl"]
    assert served["hashes"] == entry["hashes"] and served["upload-time"] == entry["upload-time"]
    assert served["requires-python"] == ">=3.9" and served["core-metadata"] == {"sha256": "ab" * 32}
    assert served["url"].endswith("/upstream-files/gouda/gouda-1.0-py3-none-any.whl")
    page = get(client, "/simple/gouda/", "text/html").body.decode()
    assert f'gouda-1.0-py3-none-any.whl#sha256={entry["hashes"]["sha256"]}' in page
    assert 'data-requires-python="&gt;=3.9"' in page
    fetched = client.http.get("/upstream-files/gouda/gouda-1.0-py3-none-any.whl")
    assert fetched.status_code == 302 and fetched.headers["Location"] == upstream.url.replace(
        "/simple/", "/files/gouda-1.0-py3-none-any.whl")
    metadata = client.http.get("/upstream-files/gouda/gouda-1.0-py3-none-any.whl.metadata")
    assert metadata.status_code == 302 and metadata.headers["Location"].endswith(".whl.metadata")
    assert client.http.get("/upstream-files/gouda/gouda-9.0-py3-none-any.whl").status_code == 404
    assert get(client, "/simple/nothing-anywhere/").status_code == 404
    head = client.http.request("HEAD", "/simple/gouda/", headers={"Accept": "text/html"})
    assert head.status_code == 200 and head.body == b""


def test_a_local_name_shadows_the_upstream_entirely(client, upstream, token):
    assert upload_wheel(client, token, name="brie", version="1.0")[0] == 200
    upstream.add("brie", "brie-99.0-py3-none-any.whl", d.wheel("brie", "99.0"))  # the attacker's higher version
    assert list(files_of(get(client, "/simple/brie/"))) == ["brie-1.0-py3-none-any.whl"]
    assert client.http.get("/upstream-files/brie/brie-99.0-py3-none-any.whl").status_code == 404
    upstream.add("bri3", "bri3-1.0-py3-none-any.whl", d.wheel("bri3", "1.0"))  # too alike a local name
    upstream.add("Brie_", "x", b"x")
    assert get(client, "/simple/brie/").status_code == 200
    assert not [p for p in upstream.asked if "brie" in p]


def test_a_private_project_is_never_passed_through_to_a_stranger(client, upstream, alice, token):
    assert upload_wheel(client, token, name="secret-sauce")[0] == 200
    manage = "/manage/project/secret-sauce/"
    assert act(alice, manage, manage + "private/", {}).status == 303
    upstream.add("secret-sauce", "secret_sauce-9.0-py3-none-any.whl", d.wheel("secret-sauce", "9.0"))
    assert get(client, "/simple/secret-sauce/").status_code == 404
    assert not [p for p in upstream.asked if "secret" in p]


def test_a_granted_namespace_never_reaches_the_upstream(client, upstream, alice):
    rules.grant_namespace("root", "acme", "alice", False, Origin())
    for name in ("acme", "acme-newthing", "acme-a-b"):
        upstream.add(name, f"{name.replace('-', '_')}-1.0-py3-none-any.whl", d.wheel(name, "1.0"))
        assert get(client, f"/simple/{name}/").status_code == 404, name
    upstream.add("acmex", "acmex-1.0-py3-none-any.whl", d.wheel("acmex", "1.0"))
    assert get(client, "/simple/acmex/").status_code == 200  # not in the namespace: acme and acme-* only
    assert [p for p in upstream.asked if "acme" in p] == ["/simple/acmex/"]


def test_a_fresh_copy_costs_no_upstream_call_and_a_stale_one_is_revalidated(frozen, client, upstream):
    upstream.add("gouda", "gouda-1.0-py3-none-any.whl", d.wheel("gouda", "1.0"))
    for _ in range(3):
        assert get(client, "/simple/gouda/").status_code == 200
    assert upstream.asked == ["/simple/gouda/"]
    frozen.tick(timedelta(minutes=6))
    assert len(files_of(get(client, "/simple/gouda/"))) == 1
    assert len(upstream.asked) == 2  # revalidated: 304, the copy kept
    upstream.add("gouda", "gouda-2.0-py3-none-any.whl", d.wheel("gouda", "2.0"))
    frozen.tick(timedelta(minutes=6))
    assert len(files_of(get(client, "/simple/gouda/"))) == 2


def test_with_the_upstream_down_a_page_fetched_before_is_served_stale_and_says_so(frozen, client, upstream):
    upstream.add("gouda", "gouda-1.0-py3-none-any.whl", d.wheel("gouda", "1.0"))
    assert STALE not in get(client, "/simple/gouda/").headers
    upstream.stop()
    frozen.tick(timedelta(hours=1))
    stale = get(client, "/simple/gouda/")
    assert stale.status_code == 200 and int(stale.headers[STALE]) == 3600
    assert len(files_of(stale)) == 1
    never = get(client, "/simple/cheddar/")
    assert never.status_code == 503 and b"not answering" in never.body


def test_blocked_files_leave_the_page_and_their_download_says_why(client, upstream):
    for version in ("1.0", "2.0", "2.0.5", "2.1"):
        upstream.add("cheddar", f"cheddar-{version}-py3-none-any.whl", d.wheel("cheddar", version))
    rules.block("root", "cheddar>=2.0,<2.1", "Compromised release", Origin())
    assert sorted(files_of(get(client, "/simple/cheddar/"))) == ["cheddar-1.0-py3-none-any.whl",
                                                                 "cheddar-2.1-py3-none-any.whl"]
    refused = client.http.get("/upstream-files/cheddar/cheddar-2.0-py3-none-any.whl")
    assert refused.status_code == 403 and b"blocked on this index (cheddar>=2.0,<2.1): Compromised release" in \
        refused.body
    assert [a.action for a in AdminAction.query("log")][-1] == "upstream:download:refused"
    rules.block("root", "Cheddar", "Whole project withdrawn", Origin())
    assert files_of(get(client, "/simple/cheddar/")) == {}
    rules.unblock("root", "Cheddar", Origin())
    rules.unblock("root", "cheddar>=2.0,<2.1", Origin())
    assert len(files_of(get(client, "/simple/cheddar/"))) == 4


@pytest.mark.parametrize("requirement", ["cheddar; python_version<'3'", "not a name!", "cheddar[extra]"])
def test_a_block_must_be_a_name_and_a_specifier(client, upstream, requirement):
    from chalicelib.core.errors import ValidationError
    with pytest.raises(ValidationError):
        rules.block("root", requirement, "why", Origin())


def test_too_young_files_wait_and_a_file_without_an_upload_time_fails_closed(frozen, client, upstream):
    now = clock.now()
    young = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    upstream.add("brie-x", "brie_x-1.0-py3-none-any.whl", d.wheel("brie-x", "1.0"))
    upstream.add("brie-x", "brie_x-2.0-py3-none-any.whl", d.wheel("brie-x", "2.0"), upload_time=young)
    upstream.add("brie-x", "brie_x-3.0-py3-none-any.whl", d.wheel("brie-x", "3.0"), upload_time=None)
    rules.set_cooldown("root", "3", "", Origin())
    assert list(files_of(get(client, "/simple/brie-x/"))) == ["brie_x-1.0-py3-none-any.whl"]
    waiting = client.http.get("/upstream-files/brie-x/brie_x-2.0-py3-none-any.whl")
    ready = (now + timedelta(days=2)).strftime("%Y-%m-%d %H:%M UTC")
    assert waiting.status_code == 403 and f"available after {ready}".encode() in waiting.body
    unknown = client.http.get("/upstream-files/brie-x/brie_x-3.0-py3-none-any.whl")
    assert unknown.status_code == 403 and b"upload time is unknown" in unknown.body
    rules.set_cooldown("root", "3", "brie-x", Origin())  # exempt
    assert len(files_of(get(client, "/simple/brie-x/"))) == 3


def test_a_file_link_followed_before_its_page_was_read_is_checked_all_the_same(client, upstream):
    upstream.add("cheddar", "cheddar-2.0-py3-none-any.whl", d.wheel("cheddar", "2.0"))
    rules.block("root", "cheddar==2.0", "Compromised release", Origin())
    refused = client.http.get("/upstream-files/cheddar/cheddar-2.0-py3-none-any.whl")
    assert refused.status_code == 403 and b"Compromised release" in refused.body


def test_copies_are_checked_against_the_sha256_and_outlive_the_upstream(client, upstream, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_UPSTREAM_COPY", "1")
    data = d.wheel("gouda", "1.0")
    upstream.add("gouda", "gouda-1.0-py3-none-any.whl", data)
    get(client, "/simple/gouda/")
    first = client.http.get("/upstream-files/gouda/gouda-1.0-py3-none-any.whl")
    assert first.status_code == 302 and "/upstream/" in first.headers["Location"]
    key = f"upstream/{hashlib.sha256(data).hexdigest()[:2]}/{hashlib.sha256(data).hexdigest()}/" \
          "gouda-1.0-py3-none-any.whl"
    assert aws.client("s3").get_object(Bucket=get_settings().bucket, Key=key)["Body"].read() == data
    assert UpstreamPage.get("gouda").copied == {"gouda-1.0-py3-none-any.whl"}
    upstream.stop()
    again = client.http.get("/upstream-files/gouda/gouda-1.0-py3-none-any.whl")
    assert again.status_code == 302 and key in again.headers["Location"]


def test_a_file_whose_bytes_do_not_match_its_hash_is_never_copied(client, upstream, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_UPSTREAM_COPY", "1")
    upstream.add("gouda", "gouda-1.0-py3-none-any.whl", d.wheel("gouda", "1.0"))
    upstream.blobs["gouda-1.0-py3-none-any.whl"] = b"tampered"
    get(client, "/simple/gouda/")
    assert client.http.get("/upstream-files/gouda/gouda-1.0-py3-none-any.whl").status_code == 503
    assert UpstreamPage.get("gouda").copied is None


def test_a_private_index_asks_for_credentials_before_passing_through(client, upstream, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_PRIVATE_INDEX", "1")
    upstream.add("gouda", "gouda-1.0-py3-none-any.whl", d.wheel("gouda", "1.0"))
    assert get(client, "/simple/gouda/").status_code == 401
    assert client.http.get("/upstream-files/gouda/gouda-1.0-py3-none-any.whl").status_code == 401
    assert upstream.asked == []
