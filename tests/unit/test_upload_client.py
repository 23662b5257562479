"""The upload client's own rules (client/): which release a file belongs to, where the
sessions live beside twine's URL, and that a part is sent again after a failure."""
from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "client" / "src"))

from cheeseshop_upload import cli, parts  # noqa: E402
from cheeseshop_upload.index import session_root  # noqa: E402


@pytest.mark.parametrize("filename, release", [
    ("cheese_demo-1.0-py3-none-any.whl", ("cheese_demo", "1.0")),
    ("cheese_demo-1.0-1-cp312-cp312-manylinux_2_17_x86_64.whl", ("cheese_demo", "1.0")),
    ("cheese-demo-2.0rc1.tar.gz", ("cheese-demo", "2.0rc1")),
    ("cheese_demo-0.1.zip", ("cheese_demo", "0.1")),
])
def test_a_file_names_its_release(filename, release):
    assert cli.release_of(filename) == release


def test_other_files_are_refused_before_anything_is_sent():
    with pytest.raises(SystemExit, match="not a wheel"):
        cli.release_of("cheese.exe")


@pytest.mark.parametrize("given", ["https://index.example/legacy/", "https://index.example/legacy",
                                   "https://index.example/upload/", "https://index.example"])
def test_the_session_root_sits_beside_twines_url(given):
    assert session_root(given) == "https://index.example/upload/"


def test_a_stage_prefix_is_kept():
    assert session_root("https://abc.execute-api.example/api/legacy/") == "https://abc.execute-api.example/api/upload/"


class Flaky:
    """Answers PUTs with a failure first, then success."""

    def __init__(self, failures: int) -> None:
        self.failures, self.calls = failures, 0

    def put(self, url, data, timeout):
        self.calls += 1
        status = 503 if self.calls <= self.failures else 200
        return type("Answer", (), {"status_code": status, "reason": "Service Unavailable"})()


def test_a_part_is_sent_again_after_a_failure(monkeypatch):
    flaky = Flaky(failures=2)
    monkeypatch.setattr(parts, "_http", lambda: flaky)
    monkeypatch.setattr(parts.time, "sleep", lambda seconds: None)
    parts.put_part("https://storage.example/part", b"data", retries=2)
    assert flaky.calls == 3


def test_a_part_that_keeps_failing_stops_the_upload(monkeypatch):
    flaky = Flaky(failures=5)
    monkeypatch.setattr(parts, "_http", lambda: flaky)
    monkeypatch.setattr(parts.time, "sleep", lambda seconds: None)
    with pytest.raises(parts.PartFailed, match="503"):
        parts.put_part("https://storage.example/part", b"data", retries=2)
    assert flaky.calls == 3


def test_attestations_are_found_beside_their_file_as_twine_finds_them(tmp_path):
    dist = tmp_path / "cheese_demo-1.0[1].tar.gz"  # glob characters in a name are taken literally
    dist.write_bytes(b"")
    (tmp_path / (dist.name + ".publish.attestation")).write_text('{"version": 1, "kind": "publish"}')
    (tmp_path / (dist.name + ".slsa.attestation")).write_text('{"version": 1, "kind": "slsa"}')
    (tmp_path / "cheese_demo-1.0.tar.gz.publish.attestation").write_text('{"another": "file"}')
    assert [found["kind"] for found in cli.attestations_of(str(dist))] == ["publish", "slsa"]


def test_asking_for_attestations_a_file_lacks_stops_before_anything_is_sent(tmp_path, capsys):
    dist = tmp_path / "cheese_demo-1.0.tar.gz"
    dist.write_bytes(b"")
    code = cli.main(["--attestations", "--repository-url", "http://127.0.0.1:1/legacy/", "-p", "pypi-x", str(dist)])
    assert code == 2 and "has no attestations beside it" in capsys.readouterr().err
