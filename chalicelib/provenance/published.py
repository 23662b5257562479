"""What a page says of a file's provenance: the publisher that uploaded it with verified
attestations, a link to its workflow, and the attestation's entry in the transparency log.
Light on purpose: the project page imports it, never sigstore."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol
from urllib.parse import quote

TRANSPARENCY_LOG = "https://search.sigstore.dev/?logIndex={}"
WORKFLOW = {
    "GitHub": "https://github.com/{repository}/blob/HEAD/.github/workflows/{workflow}",
    "GitLab": "https://gitlab.com/{repository}/-/blob/HEAD/{workflow}",
}


class PublishedBy(NamedTuple):
    publisher: str  # "GitHub owner/repo, .github/workflows/release.yml"
    workflow_url: str
    log_url: str | None


class Attested(Protocol):
    @property
    def filename(self) -> str: ...

    @property
    def provenance(self) -> str | None: ...


def describe(publisher: dict[str, Any]) -> str:
    """A publisher in one line, as the publishers' page names it: "GitHub owner/repo,
    .github/workflows/release.yml" (and its environment)."""
    folder = ".github/workflows/" if publisher.get("kind") == "GitHub" else ""
    line = f"{publisher.get('kind', '')} {publisher.get('repository', '')}, {folder}{_workflow(publisher)}"
    return f"{line}, {publisher['environment']}" if publisher.get("environment") else line


def published_by(summary: str | None) -> PublishedBy | None:
    """The line for a file whose provenance summary (stored at upload) is this; None: no attestations."""
    if not summary:
        return None
    found = json.loads(summary)
    publisher = found.get("publisher") or {}
    link = WORKFLOW.get(publisher.get("kind", ""), "")
    workflow_url = link.format(repository=quote(publisher.get("repository", "")),
                               workflow=quote(_workflow(publisher)))
    log_index = str(found.get("log_index") or "")
    return PublishedBy(describe(publisher), workflow_url,
                       TRANSPARENCY_LOG.format(log_index) if log_index.isdigit() else None)


def of(files: Iterable[Attested]) -> dict[str, PublishedBy]:
    """The files that came with attestations, by filename."""
    return {f.filename: shown for f in files if (shown := published_by(f.provenance)) is not None}


def _workflow(publisher: dict[str, Any]) -> str:
    return str(publisher.get("workflow") or publisher.get("workflow_filepath") or "")
