"""Which language a person reads: the one they chose (a cookie, set by the picker and at
login from their account), else the best match for their browser's Accept-Language, else English."""
from __future__ import annotations

from chalicelib.core.translation import DEFAULT, LANGUAGES

MAX_PREFERENCES = 20  # of an Accept-Language header; more is not a browser's


def preferences(accept_language: str) -> list[str]:
    """The header's language tags, most wanted first (RFC 9110 quality values); refused ones
    (q=0), the wildcard and malformed entries left out."""
    weighted = []
    for position, entry in enumerate(accept_language.split(",")[:MAX_PREFERENCES]):
        tag, _, params = entry.strip().partition(";")
        tag, quality = tag.strip().lower(), 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0 and len(tag) <= 35:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(accept_language: str) -> str:
    """The site's language that best matches the header (es-MX finds es); English when none does."""
    wanted = preferences(accept_language)
    if not wanted:  # no header (tools, most first requests): no need to load babel
        return DEFAULT
    from babel.core import negotiate_locale

    return negotiate_locale(wanted, list(LANGUAGES), sep="-") or DEFAULT


def choose(cookie: str | None, accept_language: str) -> str:
    return cookie if cookie in LANGUAGES else negotiate(accept_language)
