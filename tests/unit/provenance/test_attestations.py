"""Verification against a trust root named by the setting (a private Sigstore instance), and
where sigstore keeps its cache when the home is not writable (Lambda)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sigstore

from chalicelib.core.errors import UploadRefused
from chalicelib.provenance import attestations
from tests import attestations as a

STORE = Path(sigstore.__file__).parent / "_store"
PUBLIC_GOOD = STORE / "https%3A%2F%2Ftuf-repo-cdn.sigstore.dev" / "trusted_root.json"
STAGING = STORE / "https%3A%2F%2Ftuf-repo-cdn.sigstage.dev" / "trusted_root.json"
GITHUB = json.dumps({"kind": "GitHub", "repository": "trailofbits/pypi-attestation-models", "workflow": "release.yml",
                     "environment": None})


def check(root: Path | None, monkeypatch, attester: str = GITHUB, filename: str = a.GITHUB.filename):
    from pypi_attestations import Distribution

    monkeypatch.setenv("CHEESESHOP_SIGSTORE_TRUST_ROOT", str(root) if root else "")
    digest = Distribution.from_file(a.folder() / a.GITHUB.filename).digest
    return attestations.check(json.dumps([a.attestation(a.GITHUB)]), filename, digest, attester)


def test_a_named_trust_root_that_signed_it_verifies(monkeypatch):
    checked = check(PUBLIC_GOOD, monkeypatch)
    assert json.loads(checked.summary)["publisher"]["repository"] == "trailofbits/pypi-attestation-models"
    assert b"attestation_bundles" in checked.provenance


def test_a_trust_root_that_did_not_sign_it_refuses(monkeypatch):
    with pytest.raises(UploadRefused, match="attestation 1 does not verify"):
        check(STAGING, monkeypatch)


def test_a_named_trust_root_still_checks_the_file_and_the_publisher(monkeypatch):
    with pytest.raises(UploadRefused, match="does not match distribution name"):
        check(PUBLIC_GOOD, monkeypatch, filename="pypi_attestation_models-0.0.5.tar.gz")
    other = GITHUB.replace("release.yml", "other.yml")
    with pytest.raises(UploadRefused, match="attestation 1 does not verify .*/other.yml: .*does not match"):
        check(PUBLIC_GOOD, monkeypatch, attester=other)


def test_the_cache_goes_under_the_temporary_directory_when_home_is_read_only(monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o500)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setattr(attestations.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    monkeypatch.setattr(attestations.os, "access", lambda path, mode: path != str(home))  # root may write anywhere
    attestations._trust_root_cache()
    assert os.environ["XDG_CACHE_HOME"] == str(tmp_path / "tmp" / "sigstore" / "cache")
    assert os.environ["XDG_DATA_HOME"] == str(tmp_path / "tmp" / "sigstore" / "data")
