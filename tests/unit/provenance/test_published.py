"""What a project page says of a file's provenance, from the summary kept at upload."""
from __future__ import annotations

import json

from chalicelib.oidc.verify import attester_of
from chalicelib.provenance.published import PublishedBy, of, published_by


def summary(attester: str, log_index: str = "12345") -> str:
    return json.dumps({"publisher": json.loads(attester), "log_index": log_index})


def test_a_github_workflow_is_named_as_its_attestations_must_be_signed_by():
    claims = {"repository": "octo/spam", "job_workflow_ref": "octo/spam/.github/workflows/release.yml@refs/tags/v1"}
    attester = json.loads(attester_of("github", claims))
    assert attester == {"kind": "GitHub", "repository": "octo/spam", "workflow": "release.yml", "environment": None}
    with_environment = json.loads(attester_of("github", {**claims, "environment": "pypi"}))
    assert with_environment["environment"] == "pypi"


def test_a_gitlab_pipeline_is_named_by_its_path_without_host_or_ref():
    claims = {"project_path": "group/sub/spam",
              "ci_config_ref_uri": "gitlab.com/group/sub/spam//ci/release.yml@refs/heads/main"}
    assert json.loads(attester_of("gitlab", claims)) == {
        "kind": "GitLab", "repository": "group/sub/spam", "workflow_filepath": "ci/release.yml", "environment": None}


def test_the_line_links_the_workflow_and_the_log_entry():
    github = published_by(summary(attester_of("github", {
        "repository": "octo/spam", "job_workflow_ref": "octo/spam/.github/workflows/release.yml@refs/tags/v1",
        "environment": "pypi"})))
    assert github == PublishedBy("GitHub octo/spam, .github/workflows/release.yml, pypi",
                                 "https://github.com/octo/spam/blob/HEAD/.github/workflows/release.yml",
                                 "https://search.sigstore.dev/?logIndex=12345")
    gitlab = published_by(summary(attester_of("gitlab", {
        "project_path": "group/spam", "ci_config_ref_uri": "gitlab.com/group/spam//ci/release.yml@refs/heads/main"})))
    assert gitlab.workflow_url == "https://gitlab.com/group/spam/-/blob/HEAD/ci/release.yml"


def test_a_link_cannot_be_steered_by_what_a_claim_holds():
    """The publisher's fields come from a token's claims: they are quoted into the path, and a log
    index that is not a number gives no log link."""
    odd = summary(json.dumps({"kind": "GitHub", "repository": "octo/spam?x=\"<", "workflow": "../../evil",
                              "environment": None}), log_index="1&next=https://evil.example")
    shown = published_by(odd)
    assert shown.workflow_url == "https://github.com/octo/spam%3Fx%3D%22%3C/blob/HEAD/.github/workflows/../../evil"
    assert shown.log_url is None


def test_files_without_attestations_have_no_line():
    class F:
        def __init__(self, filename, provenance):
            self.filename, self.provenance = filename, provenance

    attester = json.dumps({"kind": "GitHub", "repository": "o/r", "workflow": "w.yml", "environment": None})
    assert list(of([F("a.whl", None), F("b.tar.gz", summary(attester))])) == ["b.tar.gz"]
    assert published_by(None) is None and published_by("") is None
