"""Real PEP 740 attestations that no one here signed: the test assets inside the
pypi-attestations source distribution (files published by GitHub and GitLab workflows, each with
the attestation recorded in Sigstore's public transparency log). The source distribution is
fetched from the registry by pip at test set-up, once, and kept in the test tools' cache."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import NamedTuple

from tests.conftest import ROOT

VERSION = re.search(r"^pypi-attestations==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M).group(1)


class Asset(NamedTuple):
    filename: str
    attestation: str  # the asset beside it with its attestation object
    project: str
    version: str
    kind: str  # "github" or "gitlab"
    owner: str  # GitHub owner, GitLab namespace
    repository: str
    workflow: str  # GitHub workflow file, GitLab pipeline file path


GITHUB = Asset("pypi_attestation_models-0.0.4a2.tar.gz", "pypi_attestation_models-0.0.4a2.tar.gz.attestation",
               "pypi-attestation-models", "0.0.4a2", "github", "trailofbits", "pypi-attestation-models", "release.yml")
GITLAB = Asset("gitlab_oidc_project-0.0.3.tar.gz", "gitlab_oidc_project-0.0.3.tar.gz.publish.attestation",
               "gitlab-oidc-project", "0.0.3", "gitlab", "facutuesca", "gitlab-oidc-project", ".gitlab-ci.yml")
# Another file's attestation, by another repository of the same owner.
OTHER = Asset("pypi_attestations-0.0.19.tar.gz", "pypi_attestations-0.0.19.tar.gz.publish.attestation",
              "pypi-attestations", "0.0.19", "github", "trailofbits", "pypi-attestations", "release.yml")


def folder() -> Path:
    """The assets' folder, fetched and unpacked on first use."""
    cache = Path(os.environ.get("TEST_TOOLS") or Path.home() / ".cache" / "cheeseshop-test-tools")
    where = cache / f"pypi-attestations-{VERSION}"
    assets = where / f"pypi_attestations-{VERSION}" / "test" / "assets"
    if not (assets / GITHUB.attestation).exists():
        where.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        f"pypi-attestations=={VERSION}", "-d", str(where)], check=True, timeout=300)
        with tarfile.open(where / f"pypi_attestations-{VERSION}.tar.gz") as packed:
            packed.extractall(where, members=[m for m in packed.getmembers() if "/test/assets/" in m.name],
                              filter="data")
    return assets


def content(asset: Asset) -> bytes:
    return (folder() / asset.filename).read_bytes()


def attestation(asset: Asset) -> dict:
    return json.loads((folder() / asset.attestation).read_text())
