"""Where a distribution's bytes live in the bucket, in one place: the file's object under its
content address, the sidecars beside it (PEP 658's core metadata, PEP 740's provenance), the
staging place of an upload session, whether an object is a listed file's or one of its
sidecars, and where installers fetch it (link())."""
from __future__ import annotations

from chalicelib.core.config import get_settings

PACKAGES = "packages/"  # every listed file's object, and only those, lies under it
STAGING = "staging/"  # an upload session's parts, joined and checked before they are copied
METADATA = ".metadata"  # PEP 658: the core metadata of a wheel, beside it
PROVENANCE = ".provenance"  # PEP 740: the attestations a trusted publisher uploaded with the file
SIDECARS = (METADATA, PROVENANCE)


def object_key(sha256: str, filename: str) -> str:
    """Where a file's bytes live: under their content address, so only those bytes ever go there."""
    return f"{PACKAGES}{sha256[:2]}/{sha256[2:4]}/{sha256[4:]}/{filename}"


def download_key(a: str, b: str, c: str, filename: str) -> str:
    """The object a /packages/<a>/<b>/<c>/<filename> URL asks for."""
    return f"{PACKAGES}{a}/{b}/{c}/{filename}"


def metadata_key(key: str) -> str:
    return key + METADATA


def provenance_key(key: str) -> str:
    return key + PROVENANCE


def staging_key(session_id: str, filename: str) -> str:
    """Where an upload session's file is joined and checked before it is copied to its object key."""
    return f"{STAGING}{session_id}/{filename}"


def objects_of(key: str) -> list[str]:
    """A file's object and every sidecar it may have, for removing them all."""
    return [key, *(key + sidecar for sidecar in SIDECARS)]


def filename_of(key: str) -> str:
    """The filename a file's object or sidecar is named after (the key of its File record)."""
    name = key.rsplit("/", 1)[-1]
    for sidecar in SIDECARS:
        name = name.removesuffix(sidecar)
    return name


def file_key(key: str) -> str:
    """The file's own object, for an object that may be one of its sidecars."""
    for sidecar in SIDECARS:
        if key.endswith(sidecar):
            return key.removesuffix(sidecar)
    return key


def names(key: str, path: str, has_metadata: bool, has_provenance: bool = False) -> bool:
    """Whether a file listed at `path` (with PEP 658 metadata or not, with PEP 740 provenance or
    not) names this object: its own, or a sidecar it has."""
    return key == path or (key == metadata_key(path) and has_metadata) or (
        key == provenance_key(path) and has_provenance)


def link(key: str, private: bool) -> str:
    """Where installers and readers fetch an object: straight from the file URL (the CDN, or the
    local file server) when the deployment has one and the project is public, so no download
    wakes the app; through the app's /packages/ route otherwise, which checks read access and
    redirects to a short-lived URL. A URL or a path on the site's host."""
    settings = get_settings()
    if settings.files_url and not private:
        return f"{settings.files_url}/{key}"
    return f"{settings.path_prefix}/{key}"


def cdn_paths(keys: list[str]) -> list[str]:
    """The CDN's paths of these objects, when the file URL is the CDN's (a path on the site's host)."""
    files_url = get_settings().files_url
    return [f"{files_url}/{key}" for key in keys] if files_url.startswith("/") else []
