"""Every packaging client, unmodified, against `make run`: hatch, flit and pdm publish with
their defaults; uv and pip install a package whose dependencies they published, through
PEP 658 metadata; pypi-simple reads every page in both forms."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import http_token
from tests.e2e.test_publish_and_install import twine

BIN = Path(sys.executable).parent
# pdm's locked install, in a venv of its own outside the project, made by `make test` / `make e2e`
PDM = Path(os.environ.get("TEST_TOOLS") or Path.home() / ".cache" / "cheeseshop-test-tools") / "pdm" / "bin" / "pdm"


@pytest.fixture(scope="module")
def token(site) -> str:
    """An all-projects token of a verified user with an authenticator app, made over HTTP."""
    return http_token(site, "clients")


def project(tmp: Path, name: str, backend: str, dependencies: list[str] | None = None) -> Path:
    """A tiny project with the build backend each tool uses by default."""
    module = name.replace("-", "_")
    source = tmp / name
    package = source / "src" / module if backend == "pdm" else source / module
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(f'"""The {name} test package."""\n__version__ = "1.0"\n')
    (source / "README.md").write_text(f"# {name}\n")
    (source / "LICENSE").write_text("MIT License\n")
    requires = {"hatch": ('["hatchling"]', "hatchling.build"), "flit": ('["flit_core>=3.12"]', "flit_core.buildapi"),
                "pdm": ('["pdm-backend"]', "pdm.backend"), "setuptools": ('["setuptools>=61"]',
                                                                        "setuptools.build_meta")}[backend]
    (source / "pyproject.toml").write_text(textwrap.dedent(f"""
        [build-system]
        requires = {requires[0]}
        build-backend = "{requires[1]}"

        [project]
        name = "{name}"
        version = "1.0"
        description = "{name} for the client tests"
        readme = "README.md"
        license = "MIT"
        license-files = ["LICENSE"]
        requires-python = ">=3.9"
        dependencies = {dependencies or []!r}

        [project.urls]
        Source = "https://example.org/{name}"
        """).replace("'", '"'))
    return source


def run(*command: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # No bytecode written under the project: `chalice local` reloads on any file change there.
    result = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env})
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


def listed(site, name: str) -> list[str]:
    data = requests.get(f"{site.url}/simple/{name}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"},
                        timeout=10).json()
    return sorted(f["filename"] for f in data["files"])


@pytest.fixture(scope="module")
def published(site, token, tmp_path_factory) -> str:
    """brie by hatch, comte by flit, gouda by pdm; plateau (depending on all three) by twine."""
    tmp = tmp_path_factory.mktemp("clients")
    brie = project(tmp, "brie", "hatch")
    run(BIN / "hatch", "build", cwd=brie)
    run(BIN / "hatch", "publish", "--repo", site.url + "/legacy/", "--user", "__token__", "--auth", token,
        "--no-prompt", cwd=brie)
    comte = project(tmp, "comte", "flit")
    run(BIN / "flit", "publish", cwd=comte, FLIT_INDEX_URL=site.url + "/legacy/",
        FLIT_USERNAME="__token__", FLIT_PASSWORD=token)
    gouda = project(tmp, "gouda", "pdm")
    run(PDM, "publish", "--repository", site.url + "/legacy/", "--username", "__token__",
        "--password", token, cwd=gouda, PDM_CHECK_UPDATE="false")
    plateau = project(tmp, "plateau", "setuptools", ["brie>=1", "comte>=1", "gouda>=1"])
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", tmp / "dist-plateau", plateau, cwd=tmp)
    assert twine(site, token, sorted((tmp / "dist-plateau").iterdir())).returncode == 0
    return site.url


def test_hatch_flit_and_pdm_publish_wheel_and_sdist(published, site):
    assert listed(site, "brie") == ["brie-1.0-py3-none-any.whl", "brie-1.0.tar.gz"]
    assert listed(site, "comte") == ["comte-1.0-py3-none-any.whl", "comte-1.0.tar.gz"]
    assert listed(site, "gouda") == ["gouda-1.0-py3-none-any.whl", "gouda-1.0.tar.gz"]
    info = requests.get(site.url + "/pypi/brie/json", timeout=10).json()["info"]
    assert info["license_expression"] == "MIT" and info["project_urls"] == {"Source": "https://example.org/brie"}


def test_uv_and_pip_install_through_core_metadata(published, site, tmp_path):
    uv = run(BIN / "uv", "pip", "install", "--verbose", "--no-cache", "--python", sys.executable, "--target",
             tmp_path / "uv", "--index-url", site.url + "/simple/", "plateau", cwd=tmp_path)
    assert {"brie", "comte", "gouda", "plateau"} <= {p.name for p in (tmp_path / "uv").iterdir()}
    assert ".whl.metadata" in uv.stderr  # resolved from PEP 658 files, not by downloading wheels
    pip = run(sys.executable, "-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check",
              "--index-url", site.url + "/simple/", "--target", tmp_path / "pip", "--report", tmp_path / "report.json",
              "plateau", cwd=tmp_path)
    assert "Successfully installed" in pip.stdout
    assert {"brie", "comte", "gouda", "plateau"} <= {p.name for p in (tmp_path / "pip").iterdir()}


@pytest.mark.parametrize("accept", ["ACCEPT_JSON_ONLY", "ACCEPT_HTML_ONLY"])
def test_pypi_simple_reads_every_page(published, site, accept):
    import pypi_simple

    with pypi_simple.PyPISimple(endpoint=site.url + "/simple/", accept=getattr(pypi_simple, accept)) as client:
        index = client.get_index_page()
        assert {"brie", "comte", "gouda", "plateau"} <= set(index.projects)
        for name in index.projects:
            page = client.get_project_page(name)
            assert page.packages and all(p.digests.get("sha256") for p in page.packages)
        wheel = next(p for p in client.get_project_page("plateau").packages if p.package_type == "wheel")
        assert wheel.has_metadata and "Requires-Dist: brie>=1" in client.get_package_metadata(wheel)


@pytest.mark.parametrize("accept, answered", [
    ("application/vnd.pypi.simple.latest+json", "application/vnd.pypi.simple.v1+json"),
    ("application/vnd.pypi.simple.latest+html", "application/vnd.pypi.simple.v1+html"),
])
def test_latest_and_head(published, site, accept, answered):
    response = requests.get(site.url + "/simple/brie/", headers={"Accept": accept}, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].split(";")[0] == answered
    head = requests.head(site.url + "/simple/brie/", timeout=10)
    assert head.status_code == 200 and head.content == b""
