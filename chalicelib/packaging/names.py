"""Project names: PEP 503's normalized form, and the stricter form under which two names
are too similar to coexist."""
from __future__ import annotations

import re

NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


def normalize(name: str) -> str:
    """PEP 503's normalized name."""
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def ultranormalize(name: str) -> str:
    """Names equal under this are too similar to coexist: '.', '_', '-' and case ignored."""
    return re.sub(r"[._-]", "", name.lower())
