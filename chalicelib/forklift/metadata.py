"""An upload's core metadata: from the form twine sends, then from the file's own METADATA
or PKG-INFO, which must agree on name and version and wins for what it says."""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

from chalicelib.core.errors import UploadRefused
from chalicelib.core.text import XML_ILLEGAL  # one such character in a Summary would break every feed
from chalicelib.forklift.checks import first
from chalicelib.packaging.creation import NAME_MAX
from chalicelib.packaging.models import LIST_FIELDS, RELEASE_FIELDS, CoreMetadata
from chalicelib.packaging.names import NAME_RE, normalize

SUMMARY_MAX = 512
VERSION_MAX = 100
LEGACY_VERSIONS = frozenset({"2.0"})  # never a standard, but written by old tools
FIELD_MAX = 20_000  # characters of any one field but the description (whose budget is the release's)
FORM_NAMES = {"license_files": "license_file"}  # where the upload form's name is not the field's


@dataclasses.dataclass(frozen=True, kw_only=True)
class Metadata(CoreMetadata):
    """What an upload says of its release: its name and version, and the core metadata kept."""

    name: str
    version: str


@functools.lru_cache(maxsize=1)
def accepted_versions() -> frozenset[str]:
    """Every Metadata-Version the shipped `packaging` release knows (2.5 with packaging 25+)."""
    from packaging import metadata as core

    return frozenset(getattr(core, "_VALID_METADATA_VERSIONS", ())) | LEGACY_VERSIONS


def _check_version_field(value: str, where: str) -> None:
    if value not in accepted_versions():
        raise UploadRefused(f"Use a Metadata-Version this index accepts ({', '.join(sorted(accepted_versions()))}): "
                            f"'{value}' in {where} is an invalid value for Metadata-Version.")


def from_form(fields: dict[str, list[str]]) -> Metadata:
    from packaging.version import InvalidVersion, Version

    version_field = first(fields, "metadata_version")
    _check_version_field(version_field, "the upload form")
    name = first(fields, "name")
    if len(name) > NAME_MAX or not NAME_RE.match(name):
        raise UploadRefused(f"'{name}' is an invalid value for Name. Names start and end with a letter or "
                            f"digit, contain only ASCII letters, digits, '.', '_' and '-', and are at most {NAME_MAX} "
                            "characters long.")
    raw_version = first(fields, "version")
    if len(raw_version) > VERSION_MAX:
        raise UploadRefused(f"Use a shorter version: at most {VERSION_MAX} characters.")
    try:
        version = Version(raw_version)
    except InvalidVersion as exc:
        raise UploadRefused(f"'{raw_version}' is an invalid value for Version: it must be a PEP 440 version.") from exc
    if version.local is not None:
        raise UploadRefused(f"'{raw_version}' is an invalid value for Version: local versions (+...) "
                            "cannot be uploaded.")
    values: dict[str, Any] = {key: _values(fields, FORM_NAMES.get(key, key)) if key in LIST_FIELDS
                              else first(fields, key) for key in RELEASE_FIELDS if key != "metadata_version"}
    values["classifiers"] = classifiers(values["classifiers"])
    return _checked(Metadata(metadata_version=version_field, name=name, version=str(version), **values))


def _checked(meta: Metadata) -> Metadata:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    for field, value in ((f.name, getattr(meta, f.name)) for f in dataclasses.fields(meta)):
        values = [value] if isinstance(value, str) else list(value)
        label = field.replace("_", "-").title()
        if any(XML_ILLEGAL.search(v) for v in values):
            raise UploadRefused(f"Remove the control characters from {label}: text fields may hold only "
                                "characters that XML allows (tab, line feed and carriage return among the "
                                "control characters).")
        if field != "description" and sum(len(v) for v in values) > FIELD_MAX:
            raise UploadRefused(f"Shorten {label}: at most {FIELD_MAX} characters.")
    if len(meta.summary) > SUMMARY_MAX or "\n" in meta.summary or "\r" in meta.summary:
        raise UploadRefused(f"Summary must be a single line of at most {SUMMARY_MAX} characters.")
    try:
        SpecifierSet(meta.requires_python)
    except InvalidSpecifier as exc:
        raise UploadRefused(f"'{meta.requires_python}' is an invalid value for Requires-Python.") from exc
    return meta


def _values(fields: dict[str, list[str]], name: str) -> list[str]:
    return [value.strip() for value in fields.get(name, []) if value.strip()]


def classifiers(given: list[str]) -> list[str]:
    from trove_classifiers import classifiers as known
    from trove_classifiers import deprecated_classifiers

    for classifier in given:
        if classifier in deprecated_classifiers:
            raise UploadRefused(f"Classifier '{classifier}' has been deprecated.")
        if classifier not in known and not classifier.startswith("Private ::"):
            raise UploadRefused(f"Classifier '{classifier}' is not a valid classifier.")
    return given


def with_file(form: Metadata, raw: bytes, what: str) -> Metadata:
    """The form's metadata, checked against the file's own (METADATA or PKG-INFO), which
    wins for every field it fills."""
    from packaging.metadata import parse_email
    from packaging.version import InvalidVersion, Version

    parsed, _ = parse_email(raw)
    _check_version_field(str(parsed.get("metadata_version", "")), f"the file's {what}")
    name, version = str(parsed.get("name", "")), str(parsed.get("version", ""))
    try:
        same_version = Version(version) == Version(form.version)
    except InvalidVersion:
        same_version = False
    if normalize(name) != normalize(form.name) or not same_version:
        raise UploadRefused(f"Make the upload's name and version match the file: its {what} says "
                            f"'{name}' '{version}', the upload '{form.name}' '{form.version}'.")
    return _checked(dataclasses.replace(form, **_file_values(dict(parsed))))


def from_file(name: str, version: str, raw: bytes, what: str) -> Metadata:
    """The metadata of a file uploaded without a form (an upload session): the file's own,
    which must name the session's project and version, checked as a form's would be."""
    from packaging.metadata import parse_email

    parsed, _ = parse_email(raw)
    metadata_version = str(parsed.get("metadata_version", ""))
    _check_version_field(metadata_version, f"the file's {what}")
    written = str(parsed.get("name", ""))  # the project's name as its maintainers write it, as twine sends it
    form = from_form({"metadata_version": [metadata_version], "version": [version],
                      "name": [written if normalize(written) == normalize(name) else name]})
    return with_file(form, raw, what)


def _file_values(parsed: Mapping[str, Any]) -> dict[str, Any]:
    """The fields the file's metadata fills (its Metadata-Version was checked; the form's is kept)."""
    values: dict[str, Any] = {}
    for key in RELEASE_FIELDS:
        value = parsed.get(key)
        if key == "metadata_version" or not value:
            continue
        if key == "keywords" and isinstance(value, list):
            values[key] = ",".join(str(k) for k in value)
        elif key == "project_urls" and isinstance(value, dict):
            values[key] = [f"{label}, {url}" for label, url in value.items()]
        elif key in LIST_FIELDS and isinstance(value, list):
            values[key] = [str(v).strip() for v in value]
        elif isinstance(value, str) and value.strip():
            values[key] = value if key == "description" else value.strip()
    if "classifiers" in values:
        values["classifiers"] = classifiers(values["classifiers"])
    return values
