"""jinja2 environment for pages and mails (autoescaped; templates/ beside app.py), with
gettext in the current language (`{% trans %}`, `_()`) and dates in its format."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from chalicelib.core import translation

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # a message's line breaks are not part of it
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: translation.catalog(translation.current()).gettext(message),
        lambda singular, plural, n: translation.catalog(translation.current()).ngettext(singular, plural, n),
        newstyle=True,
    )
    env.filters["date"] = translation.format_date
    env.filters["datetime"] = translation.format_datetime
    env.filters["filesize"] = translation.format_size
    return env


def render(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(name).render(language=translation.current(), **context)
