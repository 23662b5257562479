"""The catalogs are complete and the templates carry no text outside them: a string a person
reads that is missing, fuzzy or untranslated in any language fails here."""
from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from chalicelib.core import rendering
from chalicelib.core.translation import DEFAULT, LANGUAGES, LOCALE_DIR
from tests.conftest import ROOT

TRANSLATED = sorted(set(LANGUAGES) - {DEFAULT})
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>")
# Text that reads the same in every language: names of the site, a hash and platforms.
UNTRANSLATED_WORDS = {"cheeseshop", "SHA256", "GitHub", "GitLab"}
# Templates that answer tools, not people (twine prints the 503 text as it comes).
FOR_TOOLS = {"unavailable.txt"}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> list:
    """Every marked string of the code and templates now, extracted as `make translations` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run([sys.executable, "-c", "from babel.messages.frontend import main; main()", "-q", "extract",
                    "-F", "chalicelib/i18n/babel.cfg", "-k", "N_plural:1,2", "-o", str(pot), "."],
                   cwd=ROOT, check=True)
    with pot.open("rb") as stream:
        return [message for message in read_po(stream) if message.id]


def catalog(language: str):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as stream:
        return read_po(stream, locale=language)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_string_is_translated_and_none_is_fuzzy(extracted, language):
    translations = catalog(language)
    missing = [message.id for message in extracted
               if (found := translations.get(message.id)) is None or not all(
                   found.string if isinstance(found.string, tuple) else [found.string])]
    fuzzy = [message.id for message in translations if message.id and message.fuzzy]
    assert not missing, f"{language}: not translated: {missing}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy}"
    assert not translations.fuzzy, f"{language}: the catalog itself is marked fuzzy"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder_and_tag(language):
    for message in catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(ids[-1])), (language, message.id)


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogs_match_their_sources(language):
    compiled = LOCALE_DIR / language / "LC_MESSAGES" / "messages.mo"
    source = compiled.with_suffix(".po")
    assert compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime, \
        "compile the catalogs (make does it for run, test and package)"


def templates() -> list[str]:
    names = rendering.environment().list_templates(filter_func=lambda name: name.endswith((".html", ".txt")))
    return [name for name in names if Path(name).name not in FOR_TOOLS]


class VisibleText(HTMLParser):
    """Words a reader sees or hears (text, and attributes read aloud), outside <code>."""

    SPOKEN = ("alt", "title", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.code += tag == "code"
        self.words += [value for name, value in attrs if name in self.SPOKEN and value]

    def handle_endtag(self, tag: str) -> None:
        self.code -= tag == "code"

    def handle_data(self, data: str) -> None:
        if not self.code:
            self.words.append(data)


def outside_translation(source: str) -> tuple[str, list[str]]:
    """The template's own text with every tag, expression and translated block replaced by a
    space, and the string literals of its expressions that are not gettext's arguments."""
    env = rendering.environment()
    text, literals, depth, previous = [], [], 0, []
    for _, kind, value in env.lex(source):
        if kind == "data":
            text.append(" " if depth else value)
            continue
        if kind == "whitespace":
            continue
        if kind == "name" and value == "trans" and previous[-1:] == ["block_begin"]:
            depth += 1
        if kind == "name" and value == "endtrans":
            depth -= 1
        if kind == "string" and previous[-2:] not in (["_", "("], ["gettext", "("], ["ngettext", "("],
                                                      ["autocomplete", "="]):  # tokens for the browser
            literals.append(value)
        previous.append(value if kind in ("name", "operator", "string") else kind)
        text.append(" ")
    return "".join(text), literals


def prose(value: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", value) if w not in UNTRANSLATED_WORDS]
    return bool(words)


@pytest.mark.parametrize("name", templates())
def test_templates_carry_no_text_outside_the_translation_tags(name):
    source = (rendering.TEMPLATES / name).read_text()
    text, literals = outside_translation(source)
    if name.endswith(".html"):
        parser = VisibleText()
        parser.feed(text)
        visible = [w.strip() for w in parser.words if prose(w)]
    else:
        visible = [line.strip() for line in text.splitlines() if prose(line.replace("--", ""))]
    assert not visible, f"{name}: text outside translation tags: {visible}"
    sentences = [value for value in literals if re.search(r"[A-Za-z]+ [A-Za-z]+", value)
                 and not value.startswith(("%", "/"))]
    assert not sentences, f"{name}: text in expressions outside _(): {sentences}"


def test_the_check_finds_text_left_outside():
    """The template check itself: a bare word, a spoken attribute and a literal label are caught."""
    text, literals = outside_translation(
        '<p>{% trans %}Fine{% endtrans %} Stray words</p><button aria-label="Remove it">×</button>'
        '{{ m.field("name", "Your name") }}{{ _("Also fine") }}')
    parser = VisibleText()
    parser.feed(text)
    assert sorted(w.strip() for w in parser.words if prose(w)) == ["Remove it", "Stray words"]
    assert literals == ['"name"', '"Your name"']
