"""jinja2 environment for pages and mails (autoescaped; templates/ beside app.py), with
gettext in the current language (`{% trans %}`, `_()`) and dates in its format.

Compiling a template costs more than rendering it (the login page's three: about 50 ms), so
compiled templates are kept as bytecode: in the Lambda package, built by `make package`
(templates/.compiled); elsewhere, in the system's temporary directory, written on first use.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

from chalicelib.core import translation

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
COMPILED = TEMPLATES / ".compiled"
OPTIONS: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True, "extensions": ["jinja2.ext.i18n"]}


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Bytecode by template name and these options (not by path: the package is built in one
    place and run in another); jinja checks it against the source's checksum, its own version
    and Python's. A directory it cannot write (the Lambda's) is only read."""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha1(f"cheeseshop {OPTIONS!r} {name}".encode()).hexdigest()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _compiled() -> CompiledTemplates:
    return CompiledTemplates(str(COMPILED)) if COMPILED.is_dir() else CompiledTemplates()


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        bytecode_cache=_compiled(),
        **OPTIONS,
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
    env.filters["number"] = translation.format_number
    return env


def render(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(name).render(language=translation.current(), **context)


def compile_all(directory: Path) -> int:
    """Compiles every template into `directory` (for the package); returns how many."""
    directory.mkdir(parents=True, exist_ok=True)
    env = environment().overlay(bytecode_cache=CompiledTemplates(str(directory)), cache_size=0)
    names = env.list_templates(filter_func=lambda name: name.endswith((".html", ".txt")))
    for name in names:
        env.get_template(name)
    return len(names)
