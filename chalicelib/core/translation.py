"""Translated text: gettext catalogs per language, and the language of the work in hand.

The language is a context variable: the web edge sets it for each request
(chalicelib.core.languages.choose), and mail switches it to the recipient's (`using`).
Every string a person reads goes through `gettext`/`ngettext` with named placeholders, or is
marked with `N_`/`N_plural` where it is defined and translated where it is shown.
Catalogs live in chalicelib/i18n/locale/<language>/LC_MESSAGES/messages.po; the build
compiles them to .mo files (`make translations` extracts and updates them).
"""
from __future__ import annotations

import contextvars
import functools
import gettext as stdlib_gettext
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).resolve().parents[1] / "i18n" / "locale"
DEFAULT = "en"
# Every language the site speaks, by its own name, as the picker lists them.
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français"}

_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT)


def current() -> str:
    return _language.get()


def activate(language: str) -> None:
    """Sets the language for the rest of this request (the web edge calls it first)."""
    _language.set(language if language in LANGUAGES else DEFAULT)


@contextmanager
def using(language: str | None) -> Iterator[str]:
    """The given language for the work inside (a mail to someone who chose another); the
    current one when None."""
    chosen = language if language in LANGUAGES else current()
    token = _language.set(chosen)
    try:
        yield chosen
    finally:
        _language.reset(token)


@functools.cache
def catalog(language: str) -> stdlib_gettext.NullTranslations:
    if language == DEFAULT:
        return stdlib_gettext.NullTranslations()
    # A missing .mo (catalogs not compiled) is a build fault: fail loudly, never fall back silently.
    return stdlib_gettext.translation("messages", LOCALE_DIR, languages=[language])


def gettext(message: str, **params: Any) -> str:
    """`message` in the current language, its `%(name)s` placeholders filled from params."""
    text = catalog(current()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, num: int, **params: Any) -> str:
    """The form for `num` (available to the text as %(num)d) in the current language."""
    return catalog(current()).ngettext(singular, plural, num) % {"num": num, **params}


def N_(message: str) -> str:
    """Marks text for the catalogs where it is defined; translated where it is shown."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular and plural pair for the catalogs; shown through `ngettext(*pair, num)`."""
    return singular, plural


def format_date(value: datetime) -> str:
    """A day as the current language writes it (23 nov 2026, Nov 23, 2026)."""
    from babel.dates import format_date as babel_format_date  # only pages that show dates load it

    return babel_format_date(value, "medium", locale=current())


def format_datetime(value: datetime) -> str:
    """A moment in UTC as the current language writes it, to the second."""
    from babel.dates import format_datetime as babel_format_datetime

    return babel_format_datetime(value, "medium", tzinfo=UTC, locale=current())


def format_number(value: int) -> str:
    """A count with the current language's grouping (1,234; 1 234)."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=current()))


def format_size(size: int) -> str:
    """A file's size in KiB, with the current language's decimal mark."""
    from babel.numbers import format_decimal

    return gettext("%(size)s KiB", size=format_decimal(size / 1024, "#,##0.0", locale=current()))
