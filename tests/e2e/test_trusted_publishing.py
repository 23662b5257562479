"""Trusted publishing end to end: an owner registers a GitHub publisher in Chromium; a "CI job"
gets its OIDC token with the real `id` package (GitHub's ACTIONS_ID_TOKEN_REQUEST_URL protocol,
served by the tests' own issuer), exchanges it at /_/oidc/mint-token and uploads with real twine."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import own_site
from tests.e2e.test_account_journey import signed_up
from tests.e2e.test_large_files import client  # noqa: F401 (a fixture: the upload client installed)
from tests.e2e.test_publish_and_install import BIN, build, make_token, twine
from tests.issuer import REQUEST_TOKEN, Issuer


@pytest.fixture(scope="module")
def issuer():
    """An OIDC issuer of the tests' own, which the site trusts as GitHub Actions'."""
    running = Issuer()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, issuer):
    yield from own_site(tmp_path_factory, CHEESESHOP_OIDC_GITHUB_ISSUER=issuer.url)


@pytest.fixture(scope="module")
def owner(chromium, site):
    """A verified user with an authenticator app, logged in (the project "cheese-ci" is theirs
    once the first test uploads it)."""
    context, page = signed_up(chromium, site, "oona")
    yield page
    context.close()


def oidc_token(site, issuer, **claims) -> str:
    """What a GitHub Actions job's `id` gets: the audience from the index, the token from the
    job's request URL."""
    audience = requests.get(site.url + "/_/oidc/audience", timeout=10).json()["audience"]
    issuer.next_claims = claims
    result = subprocess.run([sys.executable, "-m", "id", audience], capture_output=True, text=True, timeout=60, env={
        **os.environ, "GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": REQUEST_TOKEN,
        "ACTIONS_ID_TOKEN_REQUEST_URL": issuer.url + "/id-token"})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def exchange(site, token: str) -> requests.Response:
    return requests.post(site.url + "/_/oidc/mint-token", json={"token": token}, timeout=30)


def add_github_publisher(page, site, project: str, **fields: str) -> None:
    page.goto(f"{site.url}/manage/project/{project}/publishing/")
    github = page.get_by_role("region", name="GitHub")
    github.get_by_label("Owner").fill(fields.get("owner", "octo-org"))
    github.get_by_label("Repository name").fill(fields.get("repository", "cheese-ci"))
    github.get_by_label("Workflow name").fill(fields.get("workflow", "release.yml"))
    github.get_by_label("Environment name (optional)").fill(fields.get("environment", ""))
    github.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_contain_text("Trusted publisher added")


def test_a_workflow_publishes_with_a_minted_token(owner, site, issuer, tmp_path):
    page = owner
    first = build(tmp_path, "cheese-ci")
    assert twine(site, make_token(page, site, "first upload"), first).returncode == 0
    add_github_publisher(page, site, "cheese-ci", repository="cheese-ci", environment="pypi")

    minted = exchange(site, oidc_token(site, issuer, repo="cheese-ci", environment="pypi"))
    assert minted.status_code == 200, minted.text
    answer = minted.json()
    result = twine(site, answer["token"], build(tmp_path, "cheese-ci", "2.0"))
    assert result.returncode == 0, result.stdout + result.stderr
    page.goto(site.url + "/manage/project/cheese-ci/history/")
    by = "GitHub: octo-org/cheese-ci/.github/workflows/release.yml@refs/tags/v1.0"
    expect(page.get_by_role("cell", name=by, exact=True).first).to_be_visible()

    burned = requests.post(site.url + "/_/oidc/burn-token", json={"token": answer["token"]}, timeout=10)
    assert burned.status_code == 202
    refused = twine(site, answer["token"], build(tmp_path, "cheese-ci", "3.0"))
    assert refused.returncode != 0 and "403" in refused.stdout + refused.stderr


@pytest.mark.parametrize(("claims", "code"), [
    ({"repo": "other-repo"}, "invalid-publisher"),
    ({"owner": "someone-else"}, "invalid-publisher"),
    ({"workflow": "nightly.yml"}, "invalid-publisher"),
    ({"environment": "staging"}, "invalid-publisher"),
    ({"event_name": "pull_request_target"}, "invalid-publisher"),
    ({"owner_id": "31337"}, "invalid-publisher"),  # the owner's account was deleted and its name taken
    ({"lifetime": -300}, "invalid-token"),  # expired
    ({"aud": "pypi"}, "invalid-token"),
    ({"kid": "never-published"}, "invalid-token"),
])
def test_refusals(owner, site, issuer, claims, code):
    issuer.add_key("never-published", publish=False)
    token = issuer.github_token(**{"repo": "cheese-ci", "environment": "pypi", **claims})
    answer = exchange(site, token)
    assert answer.status_code == 422 and answer.json()["errors"][0]["code"] == code, answer.text


def test_an_untrusted_issuer_and_a_replay(owner, site, issuer):
    from tests.issuer import Issuer

    stranger = Issuer()
    try:
        answer = exchange(site, stranger.github_token(repo="cheese-ci", environment="pypi"))
        assert answer.json()["errors"][0]["code"] == "invalid-payload"
        assert sum(stranger.fetches.values()) == 0
    finally:
        stranger.stop()
    token = oidc_token(site, issuer, repo="cheese-ci", environment="pypi")
    assert exchange(site, token).status_code == 200
    replayed = exchange(site, token)
    assert replayed.status_code == 422 and replayed.json()["errors"][0]["code"] == "invalid-reuse-token"


def test_a_pending_publisher_creates_its_project_on_first_upload(owner, site, issuer, tmp_path):
    page = owner
    page.goto(site.url + "/manage/account/publishing/")
    github = page.get_by_role("region", name="GitHub")
    github.get_by_label("Project name").fill("cheese-fresh")
    github.get_by_label("Owner").fill("octo-org")
    github.get_by_label("Repository name").fill("fresh")
    github.get_by_label("Workflow name").fill("release.yml")
    github.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_contain_text("Pending publisher added")
    assert requests.get(site.url + "/simple/cheese-fresh/", timeout=10).status_code == 404

    minted = exchange(site, oidc_token(site, issuer, repo="fresh"))
    assert minted.status_code == 200, minted.text
    result = twine(site, minted.json()["token"], build(tmp_path, "cheese-fresh"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert requests.get(site.url + "/simple/cheese-fresh/", timeout=10).status_code == 200
    page.goto(site.url + "/manage/projects/")
    expect(page.get_by_role("link", name="cheese-fresh", exact=True)).to_be_visible()


@pytest.fixture(scope="module")
def mallory(chromium, site):
    """Another account, trying to take what is oona's."""
    context, page = signed_up(chromium, site, "mallory")
    yield page
    context.close()


def test_a_deleted_project_gives_nobody_a_way_back_in(owner, mallory, site, issuer, tmp_path):
    page = owner
    owners_token = make_token(page, site, "gone project")
    assert twine(site, owners_token, build(tmp_path, "cheese-gone")).returncode == 0
    add_github_publisher(page, site, "cheese-gone", repository="gone")
    minted = exchange(site, oidc_token(site, issuer, repo="gone"))
    assert minted.status_code == 200, minted.text
    old_token = minted.json()["token"]

    page.goto(f"{site.url}/manage/project/cheese-gone/")
    page.get_by_label("Type the project name to confirm").fill("cheese-gone")
    page.get_by_role("button", name="Delete project").click()
    expect(page.get_by_role("status")).to_contain_text("Project deleted")

    # 1. The old workflow has no publisher left, and its token minted before reaches nothing.
    again = exchange(site, oidc_token(site, issuer, repo="gone"))
    assert again.status_code == 422 and again.json()["errors"][0]["code"] == "invalid-publisher"
    # 2. Another account cannot take the name; its former Owner can.
    theirs = twine(site, make_token(mallory, site, "revival"), build(tmp_path, "cheese-gone", "6.6.6"))
    assert theirs.returncode != 0 and "its name is held for its former owners" in theirs.stdout + theirs.stderr
    back = twine(site, owners_token, build(tmp_path, "cheese-gone", "2.0"))
    assert back.returncode == 0, back.stdout + back.stderr
    stale = twine(site, old_token, build(tmp_path, "cheese-gone", "3.0"))
    assert stale.returncode != 0 and "Mint a new token" in stale.stdout + stale.stderr
    listed = requests.get(site.url + "/simple/cheese-gone/", timeout=10).text
    assert "cheese_gone-2.0-" in listed and not any(v in listed for v in ("-1.0", "-3.0", "-6.6.6"))


def test_a_workflows_claims_cannot_be_squatted_by_a_pending_publisher(owner, mallory, site):
    def add_pending(page, project: str):
        page.goto(site.url + "/manage/account/publishing/")
        github = page.get_by_role("region", name="GitHub")
        github.get_by_label("Project name").fill(project)
        github.get_by_label("Owner").fill("octo-org")
        github.get_by_label("Repository name").fill("squatted")
        github.get_by_label("Workflow name").fill("release.yml")
        github.get_by_role("button", name="Add").click()

    add_pending(mallory, "mallorys-trap")
    expect(mallory.get_by_role("status")).to_contain_text("Pending publisher added")
    add_pending(owner, "cheese-squatted")
    expect(owner.get_by_role("alert").first).to_contain_text("Another pending publisher already names this "
                                                             "repository")


def test_a_workflows_attestations_are_kept_and_verify_from_what_the_index_serves(owner, site, issuer, tmp_path):
    """A real file with its real attestation (recorded in Sigstore's public log by the project's
    own GitHub workflow) uploaded by real `twine upload --attestations`; a consumer then checks it
    with the pypi-attestations tool against the file and provenance downloaded from this index."""
    from tests import attestations as a

    asset, page = a.GITHUB, owner
    owners_token = make_token(page, site, "attested project")
    assert twine(site, owners_token, build(tmp_path, asset.project, "0.0.1")).returncode == 0
    add_github_publisher(page, site, asset.project, owner=asset.owner, repository=asset.repository,
                         workflow=asset.workflow)
    dist = tmp_path / "attested"
    dist.mkdir()
    (dist / asset.filename).write_bytes(a.content(asset))
    (dist / f"{asset.filename}.publish.attestation").write_bytes((a.folder() / asset.attestation).read_bytes())

    refused = twine_attested(site, owners_token, dist / asset.filename)  # an API token, not the workflow
    assert refused.returncode != 0 and "only from trusted publishers" in refused.stdout + refused.stderr
    minted = exchange(site, oidc_token(site, issuer, owner=asset.owner, repo=asset.repository, workflow=asset.workflow))
    assert minted.status_code == 200, minted.text
    result = twine_attested(site, minted.json()["token"], dist / asset.filename)
    assert result.returncode == 0, result.stdout + result.stderr

    simple = requests.get(f"{site.url}/simple/{asset.project}/", timeout=10,
                          headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
    (entry,) = [f for f in simple["files"] if f["filename"] == asset.filename]
    downloaded = tmp_path / "downloaded"
    downloaded.mkdir()
    (downloaded / asset.filename).write_bytes(requests.get(requests.compat.urljoin(site.url + "/", entry["url"]),
                                                           timeout=30).content)
    provenance = requests.get(requests.compat.urljoin(site.url + "/", entry["provenance"]), timeout=10)
    assert provenance.headers["Content-Type"] == "application/vnd.pypi.integrity.v1+json"
    (downloaded / "provenance.json").write_bytes(provenance.content)
    verified = subprocess.run([sys.executable, "-m", "pypi_attestations", "verify", "pypi", "--offline",
                               "--repository", f"https://github.com/{asset.owner}/{asset.repository}",
                               "--provenance-file", str(downloaded / "provenance.json"),
                               str(downloaded / asset.filename)], capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0 and "OK" in verified.stdout + verified.stderr, verified.stdout + verified.stderr

    page.goto(f"{site.url}/project/{asset.project}/")
    by = page.get_by_role("link", name=f"GitHub {asset.owner}/{asset.repository}, .github/workflows/{asset.workflow}")
    expect(by).to_have_attribute("href", f"https://github.com/{asset.owner}/{asset.repository}/blob/HEAD/"
                                         f".github/workflows/{asset.workflow}")
    expect(page.get_by_role("link", name="Transparency log entry")).to_have_attribute(
        "href", re.compile(r"^https://search\.sigstore\.dev/\?logIndex=\d+$"))


def twine_attested(site, token: str, file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "twine"), "upload", "--attestations", "--verbose", "--disable-progress-bar",
                           "--non-interactive", "--repository-url", site.url + "/legacy/", "-u", "__token__",
                           "-p", token, str(file), str(file) + ".publish.attestation"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "400"})


def test_the_upload_client_sends_both_attestations_of_a_file_through_a_session(mallory, site, issuer, tmp_path,
                                                                              client):  # noqa: F811 (the fixture)
    """The same through upload sessions, with the real client: a file its workflow attested twice
    (PyPI Publish and SLSA provenance), both kept and served. (mallory's project: oona has made as
    many new projects this hour as one account may.)"""
    from tests import attestations as a

    asset, page = a.OTHER, mallory
    placeholder = build(tmp_path, asset.project, "0.0.1")
    assert twine(site, make_token(page, site, "session project"), placeholder).returncode == 0
    add_github_publisher(page, site, asset.project, owner=asset.owner, repository=asset.repository,
                         workflow=asset.workflow)
    dist = tmp_path / "attested"
    dist.mkdir()
    (dist / asset.filename).write_bytes(a.content(asset))
    for kind in ("publish", "slsa"):
        name = f"{asset.filename}.{kind}.attestation"
        (dist / name).write_bytes((a.folder() / name).read_bytes())
    minted = exchange(site, oidc_token(site, issuer, owner=asset.owner, repo=asset.repository, workflow=asset.workflow))
    assert minted.status_code == 200, minted.text
    sent = subprocess.run([str(client / "cheeseshop-upload"), "--attestations", "--disable-progress-bar",
                           "--repository-url", site.url + "/legacy/", "-p", minted.json()["token"],
                           str(dist / asset.filename)], capture_output=True, text=True, timeout=120)
    assert sent.returncode == 0, sent.stdout + sent.stderr

    from pypi_attestations import Provenance

    served = requests.get(f"{site.url}/integrity/{asset.project}/{asset.version}/{asset.filename}/provenance",
                          timeout=10)
    assert served.status_code == 200, served.text
    (bundle,) = Provenance.model_validate_json(served.content).attestation_bundles
    assert len(bundle.attestations) == 2
    (tmp_path / "provenance.json").write_bytes(served.content)
    verified = subprocess.run([sys.executable, "-m", "pypi_attestations", "verify", "pypi", "--offline",
                               "--repository", f"https://github.com/{asset.owner}/{asset.repository}",
                               "--provenance-file", str(tmp_path / "provenance.json"), str(dist / asset.filename)],
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
