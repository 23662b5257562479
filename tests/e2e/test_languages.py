"""A visitor who reads Spanish (chosen in the footer) or French (from the browser's own
language, with no choice made) registers, gets the verification mail in that language, logs
in and adds an authenticator app; no page on the way shows English text, and axe finds no
serious or critical violation on any of them."""
from __future__ import annotations

import re
from functools import cache

import pyotp
import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from chalicelib.core.translation import LOCALE_DIR
from tests.e2e.conftest import _page, own_site
from tests.e2e.test_accessibility import serious_violations

PASSWORD = "lantern quartz meadow 47"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from own_site(tmp_path_factory)
# What each language calls the things the journey touches (the catalogs translate the rest).
WORDS = {
    "es": {"register": "Registrarse", "username": "Nombre de usuario", "email": "Correo electrónico",
           "password": "Contraseña", "confirm": "Confirmar contraseña", "create": "Crear cuenta",
           "log_in": "Iniciar sesión", "settings": "Configuración de la cuenta",
           "add_app": "Añadir una aplicación de autenticación", "code": "Código de autenticación",
           "verify": "Verificar", "recovery": "Códigos de recuperación",
           "subject": "Verifica tu dirección de correo para cheeseshop", "hello": "Hola, {}:"},
    "fr": {"register": "S’inscrire", "username": "Nom d’utilisateur", "email": "Adresse e-mail",
           "password": "Mot de passe", "confirm": "Confirmer le mot de passe", "create": "Créer le compte",
           "log_in": "Se connecter", "settings": "Paramètres du compte",
           "add_app": "Ajouter une application d’authentification", "code": "Code d’authentification",
           "verify": "Vérifier", "recovery": "Codes de récupération",
           "subject": "Vérifiez votre adresse e-mail pour cheeseshop", "hello": "Bonjour {},"},
}


@cache
def english(language: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The English of every catalog entry this language says differently, as whole words (text
    with placeholders or markup is checked through its fixed parts' own entries)."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as stream:
        catalog = read_po(stream, locale=language)
    texts = {message.id for message in catalog
             if isinstance(message.id, str) and message.id and message.string != message.id
             and "%(" not in message.id and "<" not in message.id}
    return tuple((text, re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")) for text in sorted(texts))


def english_in(text: str, language: str) -> list[str]:
    return [english_text for english_text, pattern in english(language) if pattern.search(text)]


def check(page, language: str) -> None:
    page.wait_for_load_state("load")
    assert page.get_attribute("html", "lang") == language
    title_and_body = page.title() + "\n" + page.inner_text("body")
    assert english_in(title_and_body, language) == [], page.url
    assert serious_violations(page) == [], page.url


def journey(page, site, language: str, username: str) -> None:
    words = WORDS[language]
    check(page, language)
    page.get_by_role("link", name=words["register"]).click()
    check(page, language)
    page.get_by_label(words["username"]).fill(username)
    page.get_by_label(words["email"]).fill(f"{username}@example.com")
    page.get_by_label(words["password"], exact=True).fill(PASSWORD)
    page.get_by_label(words["confirm"]).fill(PASSWORD)
    page.get_by_role("button", name=words["create"]).click()
    expect(page.get_by_role("status")).to_be_visible()
    check(page, language)  # the login page, with the notice that a mail was sent

    [message] = site.mailbox.to(f"{username}@example.com")
    assert message["Subject"] == words["subject"] and message["Content-Language"] == language
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith(words["hello"].format(username))
    assert english_in(" ".join(text.split()), language) == []
    page.goto(site.url + site.mailbox.last_link(f"{username}@example.com", "/account/verify-email/"))
    check(page, language)

    page.get_by_label(words["username"]).fill(username)
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["log_in"]).click()
    expect(page.get_by_role("heading", level=1, name=words["settings"])).to_be_visible()
    check(page, language)
    page.get_by_role("link", name=words["add_app"]).click()
    check(page, language)
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label(words["code"]).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=words["verify"]).click()
    expect(page.get_by_role("heading", level=1, name=words["recovery"])).to_be_visible()
    check(page, language)
    page.goto(site.url + "/manage/account/")
    check(page, language)  # the security history: events, login methods and dates


def test_spanish_chosen_in_the_footer(chromium, site):
    for page in _page(chromium, bypass_csp=True, locale="en-US"):
        page.goto(site.url + "/")
        assert page.get_attribute("html", "lang") == "en"
        page.get_by_label("Language").select_option(label="Español")
        page.get_by_role("button", name="Change language").click()
        journey(page, site, "es", "sofia")


def test_french_from_the_browser_language(chromium, site):
    for page in _page(chromium, bypass_csp=True, locale="fr-FR"):
        page.goto(site.url + "/")
        journey(page, site, "fr", "camille")


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_check_would_see_english(language):
    found = english_in("Please correct the errors below. Log in", language)
    assert found == ["Log in", "Please correct the errors below."]
