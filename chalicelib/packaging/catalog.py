"""The read side of the index: the simple API (PEP 503/691/658/714), project pages, the JSON
API and PEP 740's Integrity API. Each project's files come from one paginated query."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from chalicelib.core import items, storage
from chalicelib.core.db import get_or_none
from chalicelib.core.errors import NotFound
from chalicelib.core.translation import gettext
from chalicelib.events.services import project_subject
from chalicelib.packaging import layout, urls
from chalicelib.packaging.models import CoreMetadata, File, Project, Release
from chalicelib.packaging.names import normalize, ultranormalize
from chalicelib.packaging.permissions import ProjectStatus, status_of


class ProjectInfo(NamedTuple):
    name: str  # normalized
    display_name: str
    serial: int
    created_at: datetime | None = None
    status: ProjectStatus = ProjectStatus.ACTIVE
    status_reason: str = ""
    private: bool = False  # read only by its collaborators
    organization: str = ""  # the organization that owns it, if any

    @property
    def history_key(self) -> str:
        """Where this project's security history is kept."""
        return project_subject(self.name, self.created_at)


@dataclass(frozen=True, kw_only=True)
class ReleaseInfo(CoreMetadata):
    """A release as pages read it: its core metadata, and these."""

    version: str
    created_at: datetime
    description_html: str = ""

    @property
    def labelled_urls(self) -> list[tuple[str, str]]:
        """(label, URL) of each Project-URL."""
        pairs = [entry.split(",", 1) for entry in self.project_urls]
        return [(label.strip(), url.strip()) for label, url in (p for p in pairs if len(p) == 2)]

    @property
    def links(self) -> list[tuple[str, str]]:
        """(title, URL) for the project page, PEP 753's well-known labels by their titles."""
        return urls.links(self.labelled_urls, self.home_page, self.download_url)


class FileInfo(NamedTuple):
    filename: str
    url_path: str
    version: str
    packagetype: str
    python_version: str
    requires_python: str
    size: int
    sha256: str
    md5: str
    blake2_256: str
    metadata_sha256: str | None
    uploaded_at: datetime
    yanked: bool
    yanked_reason: str
    provenance: str | None  # PEP 740: the publisher and log entry (JSON), when it came with attestations


class ProjectFiles(NamedTuple):
    name: str  # normalized
    display_name: str
    serial: int
    files: list[FileInfo]
    status: ProjectStatus = ProjectStatus.ACTIVE
    status_reason: str = ""
    private: bool = False

    def href(self, f: FileInfo, sidecar: str = "") -> str:
        """Where a file (or its sidecar) is fetched: layout.link()'s rule."""
        return layout.link(f.url_path.lstrip("/") + sidecar, self.private)

def listed_projects() -> list[tuple[str, str]]:
    """(normalized, display) names of every public project, by name: a private one is listed
    nowhere (the simple index, search), even to its collaborators, so that no listing depends
    on who reads it."""
    return [(p.name, p.display_name or p.name) for p in Project.all.query("project") if not p.private]


def search(query: str) -> list[tuple[str, str]]:
    """Public projects whose name contains the query ('.', '_', '-' and case ignored); all for none."""
    wanted = ultranormalize(query)
    return [p for p in listed_projects() if wanted in ultranormalize(p[0])]


def project(name: str) -> ProjectInfo:
    found = get_or_none(Project, normalize(name))
    if found is None:
        raise NotFound(gettext("No project named '%(name)s'.", name=name))
    return ProjectInfo(found.name, found.display_name or found.name, int(found.serial), found.created_at,
                       status_of(found.status), found.status_reason or "", bool(found.private),
                       found.organization or "")


LISTED = [name for name in FileInfo._fields if name != "url_path"] + ["path"]


def files(found: ProjectInfo) -> ProjectFiles:
    """Every file of a project from one paginated query, read as raw items: building a
    model object per file costs more than the page itself for projects with thousands."""
    listed = [_file_info(item) for item in items.query(File, found.name, index="by_project", attributes=LISTED)]
    return ProjectFiles(found.name, found.display_name, found.serial, listed, found.status, found.status_reason,
                        found.private)


def offered(found: ProjectInfo) -> ProjectFiles:
    """The files installers and readers are offered: none of a quarantined project (PEP 792),
    whose files stay stored, as evidence, until an administrator releases or deletes it."""
    if found.status is ProjectStatus.QUARANTINED:
        return ProjectFiles(found.name, found.display_name, found.serial, [], found.status, found.status_reason,
                            found.private)
    return files(found)


def _file_info(item: items.Item) -> FileInfo:
    values = items.decode(File, item, LISTED)
    return FileInfo(url_path="/" + values.pop("path"), **values)


def releases(name: str) -> list[ReleaseInfo]:
    """Newest version first."""
    from packaging.version import Version

    return sorted(map(release_info, Release.query(name)), key=lambda r: Version(r.version), reverse=True)


def offered_releases(found: ProjectInfo) -> list[ReleaseInfo]:
    """The releases readers are shown, newest first: none of a quarantined project, whose
    descriptions, project URLs and metadata stay hidden with its files (PEP 792)."""
    return [] if found.status is ProjectStatus.QUARANTINED else releases(found.name)


def release(found: ProjectInfo, version: str) -> ReleaseInfo:
    """One release offered, by any spelling of its version that PEP 440 holds equal ('2' is '2.0')."""
    from packaging.version import InvalidVersion, Version

    try:
        wanted = Version(version)
    except InvalidVersion as exc:
        raise NotFound(gettext(
            "No release '%(version)s' of '%(project)s'.", version=version, project=found.display_name)) from exc
    for r in offered_releases(found):
        if Version(r.version) == wanted:
            return r
    raise NotFound(gettext("No release '%(version)s' of '%(project)s'.", version=version, project=found.display_name))


def release_info(r: Release) -> ReleaseInfo:
    return ReleaseInfo(version=r.version, created_at=r.created_at, description_html=r.description_html,
                       **r.core_metadata())


class OfferedObject(NamedTuple):
    """A file offered for download, or one of its sidecars, as an object key names it."""
    project: ProjectInfo
    version: str
    filename: str
    sidecar: bool  # PEP 658's metadata or PEP 740's provenance, not the file itself


def offered_object(key: str) -> OfferedObject | None:
    """What an object key names among the files offered for download (or their sidecars); None
    when no such file is offered."""
    item = get_or_none(File, layout.filename_of(key))
    if item is None or item.project is None:  # never uploaded, or deleted
        return None
    if not layout.names(key, item.path, item.metadata_sha256 is not None, item.provenance is not None):
        return None
    try:
        owner = project(item.project)
    except NotFound:
        return None
    if owner.status is ProjectStatus.QUARANTINED:
        return None
    return OfferedObject(owner, item.version, item.filename, key != item.path)


def provenance(found: ProjectInfo, version: str, filename: str) -> bytes | None:
    """The PEP 740 provenance object of a file the project offers in that version; None when it
    offers no such file, or the file came without attestations."""
    item = get_or_none(File, filename)
    if item is None or item.project != found.name or item.version != version or item.provenance is None:
        return None
    if found.status is ProjectStatus.QUARANTINED:
        return None
    return storage.get(layout.provenance_key(item.path))
