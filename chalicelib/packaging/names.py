"""Project names: PEP 503's normalized form, and the stricter form under which two names
are too similar to coexist (chalicelib.admin.migrations moves guards made under an older one)."""
from __future__ import annotations

import re

# ASCII as PEP 508 says: with IGNORECASE alone, 'ſ', 'ı' and the Kelvin sign match [a-z].
NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])\Z", re.IGNORECASE | re.ASCII)


def normalize(name: str) -> str:
    """PEP 503's normalized name."""
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


CONFUSABLE = str.maketrans("ilo", "110")  # after lowercasing: 1, l, I, L and i are one; 0, o and O


def ultranormalize(name: str) -> str:
    """Names equal under this are too similar to coexist: '.', '_', '-' and case ignored, and the
    letters that pass for digits folded into them (as PyPI does): `l0dash-x` is `lodash-x`."""
    return fold(re.sub(r"[._-]", "", name.lower()))


def fold(text: str) -> str:
    """The confusable letters of a lowercased name folded into the digits they pass for."""
    return text.translate(CONFUSABLE)


def ultra_guard(name: str) -> str:
    """The key of the item that guards a project's ultra-normalized name (packaging.models.Project)."""
    return "ultra:" + ultranormalize(name)
