"""What a project page shows beside the metadata: every release with its date, pre-releases
and yanked ones marked ("Release history"), and the classifiers grouped by their top-level
category. Plain values in, plain values out."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple, Protocol


class Released(Protocol):
    @property
    def version(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


class Listed(Protocol):
    @property
    def version(self) -> str: ...

    @property
    def yanked(self) -> bool: ...

    @property
    def yanked_reason(self) -> str: ...


class HistoryEntry(NamedTuple):
    version: str
    released_at: datetime
    prerelease: bool
    yanked: bool
    yanked_reason: str


def history(releases: Sequence[Released], files: Iterable[Listed]) -> list[HistoryEntry]:
    """Each release in the order given (newest first); yanked when every file of it is."""
    from packaging.version import InvalidVersion, Version

    by_version: dict[str, list[Listed]] = {}
    for f in files:
        by_version.setdefault(f.version, []).append(f)
    entries = []
    for release in releases:
        its = by_version.get(release.version, [])
        yanked = bool(its) and all(f.yanked for f in its)
        try:
            prerelease = Version(release.version).is_prerelease
        except InvalidVersion:
            prerelease = False
        entries.append(HistoryEntry(release.version, release.created_at, prerelease, yanked,
                                    its[0].yanked_reason if yanked else ""))
    return entries


def classifier_groups(classifiers: Iterable[str]) -> list[tuple[str, list[str]]]:
    """("Programming Language", ["Python :: 3", ...]) for each top-level category, in order."""
    groups: dict[str, list[str]] = {}
    for classifier in classifiers:
        top, _, rest = classifier.partition(" :: ")
        groups.setdefault(top, [])
        if rest:
            groups[top].append(rest)
    return list(groups.items())
