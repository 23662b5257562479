"""Project names: PEP 503's normalized form, and the stricter form under which two names
are too similar to coexist."""
from __future__ import annotations

import re

# ASCII as PEP 508 says: with IGNORECASE alone, 'ſ', 'ı' and the Kelvin sign match [a-z].
NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])\Z", re.IGNORECASE | re.ASCII)


def normalize(name: str) -> str:
    """PEP 503's normalized name."""
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def ultranormalize(name: str) -> str:
    """Names equal under this are too similar to coexist: '.', '_', '-' and case ignored."""
    return re.sub(r"[._-]", "", name.lower())


def ultra_guard(name: str) -> str:
    """The key of the item that guards a project's ultra-normalized name (packaging.models.Project)."""
    return "ultra:" + ultranormalize(name)
