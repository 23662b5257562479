from __future__ import annotations

import pytest

from chalicelib.core import translation
from chalicelib.core.languages import choose, negotiate, preferences


@pytest.mark.parametrize(("header", "expected"), [
    ("es-MX,es;q=0.9,en;q=0.8", "es"),
    ("FR-ca", "fr"),
    ("de, fr;q=0.5, es;q=0.7", "es"),
    ("en;q=0, fr", "fr"),
    ("es;q=oops, fr;q=0.1", "fr"),
    ("de, ja", "en"),
    ("*", "en"),
    ("", "en"),
    ("x" * 5000, "en"),
    (",".join(["de"] * 100 + ["fr"]), "en"),  # past the first 20 entries nothing is read
])
def test_negotiation(header, expected):
    assert negotiate(header) == expected


def test_preferences_are_ordered_by_quality_then_position():
    assert preferences("a;q=0.5, b, c;q=0.9, d") == ["b", "d", "c", "a"]


def test_a_choice_outranks_the_header_but_only_when_it_is_a_language_we_have():
    assert choose("es", "fr") == "es"
    assert choose("xx", "fr") == "fr"
    assert choose(None, "") == "en"


def test_text_and_plurals_follow_the_current_language():
    with translation.using("fr"):
        assert translation.gettext("Log in") == "Se connecter"
        assert translation.ngettext("Too many attempts. Please wait %(num)d minute and try again.",
                                    "Too many attempts. Please wait %(num)d minutes and try again.", 1) \
            == "Trop de tentatives. Veuillez patienter 1 minute et réessayer."
        with translation.using("es"):
            assert translation.gettext("Log in") == "Iniciar sesión"
        with translation.using(None):  # no choice: the language in hand
            assert translation.gettext("Log in") == "Se connecter"
    assert translation.gettext("Log in") == "Log in"
