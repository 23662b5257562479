"""The language a person reads: a choice in the footer (a cookie, and the account's), else
Accept-Language, else English; mail in the recipient's language; tools always in English."""
from __future__ import annotations

import re

import pytest

from chalicelib.accounts.models import User
from tests.distributions import form, wheel
from tests.functional.conftest import PASSWORD, enroll_totp, login, register


def lang_of(text: str) -> str:
    return re.search(r'<html lang="([^"]+)"', text).group(1)


def choose(browser, language: str, next_path: str = "/"):
    page = browser.get(next_path)
    return browser.post("/language/", {"language": language, "next": next_path}, csrf=page.csrf())


@pytest.mark.parametrize(("header", "language", "heading"), [
    ("es-MX,es;q=0.9,en;q=0.8", "es", "Crear una cuenta"),
    ("de-DE, fr;q=0.5", "fr", "Créer un compte"),
    ("de, ja;q=0.5", "en", "Create an account"),
    ("es;q=0, fr;q=0.1", "fr", "Créer un compte"),
    ("", "en", "Create an account"),
])
def test_without_a_choice_accept_language_decides(browser, header, language, heading):
    browser.headers["accept-language"] = header
    page = browser.get("/account/register/")
    assert page.status == 200
    assert lang_of(page.text) == language and f"<h1>{heading}</h1>" in page.text
    assert page.headers["Content-Language"] == language
    assert page.headers["Vary"] == "Accept-Language, Cookie"


def test_the_footer_choice_outranks_the_browser_and_returns_to_the_page(browser):
    browser.headers["accept-language"] = "fr"
    chosen = choose(browser, "es", "/account/login/?next=/manage/projects/")
    assert chosen.status == 303 and chosen.location == "/account/login/?next=/manage/projects/"
    page = browser.get("/account/login/")
    assert lang_of(page.text) == "es" and "Iniciar sesión" in page.text
    assert '<option value="es" lang="es" selected>Español</option>' in page.text


def test_an_unknown_choice_is_refused_and_changes_nothing(browser):
    browser.headers["accept-language"] = "fr"
    page = browser.get("/")
    refused = browser.post("/language/", {"language": "xx", "next": "/"}, csrf=page.csrf())
    assert refused.status == 400
    assert "Choisissez l’une des langues de la liste." in refused.text and "cheeseshop_language" not in browser.cookies
    assert lang_of(browser.get("/").text) == "fr"


def test_a_choice_needs_the_form_token(browser):
    refused = browser.post("/language/", {"language": "es", "next": "/"}, csrf="forged")
    assert refused.status == 403 and "cheeseshop_language" not in browser.cookies


def test_the_next_page_is_never_another_site(browser):
    page = browser.get("/")
    chosen = browser.post("/language/", {"language": "es", "next": "//evil.example/"}, csrf=page.csrf())
    assert chosen.status == 303 and chosen.location == "/"


def test_a_logged_in_choice_is_kept_on_the_account_and_follows_it_to_another_browser(alice, client, aws):
    from tests.helpers import Browser

    assert choose(alice, "fr").status == 303
    assert User.get("alice").language == "fr"
    elsewhere = Browser(client)
    elsewhere.headers["accept-language"] = "es"
    login(elsewhere)
    assert elsewhere.cookies["cheeseshop_language"] == "fr"
    assert lang_of(elsewhere.get("/manage/account/").text) == "fr"


def test_errors_from_the_services_come_in_the_reader_language(browser):
    browser.headers["accept-language"] = "es"
    page = browser.submit("/account/register/", {
        "username": "-bad-", "full_name": "", "email": "not-an-address", "password": "short",
        "password_confirm": "short"})
    assert page.status == 400
    for text in ("Corrige los errores indicados abajo.", "El nombre de usuario debe empezar y terminar",
                 "Esta no es una dirección de correo válida.", "La contraseña debe tener al menos 8 caracteres."):
        assert text in page.text
    wrong = browser.submit("/account/login/", {"username": "nobody", "password": "wrong password"})
    assert wrong.status == 401 and "El nombre de usuario o la contraseña no son correctos." in wrong.text


def test_a_weak_password_is_explained_in_the_reader_language(browser):
    browser.headers["accept-language"] = "fr"
    page = browser.submit("/account/register/", {
        "username": "bob", "full_name": "", "email": "bob@example.com", "password": "bobbobbobbob",
        "password_confirm": "bobbobbobbob"})
    assert page.status == 400 and "Le mot de passe est trop facile à deviner." in page.text


def test_registration_mail_comes_in_the_language_of_the_registration(browser, mailbox):
    browser.headers["accept-language"] = "fr-CA"
    register(browser)
    message = mailbox.to("alice@example.com")[-1]
    assert message["Subject"] == "Vérifiez votre adresse e-mail pour cheeseshop"
    assert message["Content-Language"] == "fr"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("Bonjour alice,")
    assert "Le lien ne fonctionne qu’une fois et expire dans 24 heures." in " ".join(text.split())
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="fr">' in html and "Vérifier mon adresse e-mail" in html


def test_security_mail_follows_the_account_not_the_request(alice, mailbox):
    assert choose(alice, "es").status == 303
    alice.headers["accept-language"] = "en"
    alice.cookies.pop("cheeseshop_language")  # the browser forgot it: the account remembers
    enroll_totp(alice)
    message = mailbox.to("alice@example.com")[-1]
    assert message["Subject"] == "Cambió la autenticación de dos factores de tu cuenta de cheeseshop"
    assert "Se añadió una aplicación de autenticación a tu cuenta de cheeseshop" in \
        " ".join(message.get_body(preferencelist=("plain",)).get_content().split())


def test_dates_and_history_are_in_the_reader_language(frozen, alice):
    assert choose(alice, "fr").status == 303
    page = alice.get("/manage/account/")
    assert "Historique de sécurité" in page.text
    assert "1 juin 2026" in page.text  # the login just now, as French writes the day
    assert "Compte créé" in page.text


def test_tools_get_english_whatever_they_ask(client, aws):
    body, content_type = form(wheel(), "spam-1.0-py3-none-any.whl")
    response = client.http.post("/legacy/", body=body, headers={
        "content-type": content_type, "accept-language": "es", "authorization": "token pypi-nonsense"})
    assert response.status_code == 403
    assert "API token" in response.body.decode()
    simple = client.http.get("/simple/nothing-here/", headers={"accept-language": "fr"})
    assert simple.status_code == 404 and "No project named" in simple.body.decode()
    assert "Content-Language" not in simple.headers


def test_every_language_renders_every_page_a_visitor_sees(browser):
    for language in ("en", "es", "fr"):
        browser.headers["accept-language"] = language
        for path in ("/", "/account/login/", "/account/register/", "/account/request-password-reset/",
                     "/no/such/page/", "/language/"):
            page = browser.request("GET", path, headers={"accept": "text/html"})
            assert page.status in (200, 404), (language, path)
            assert lang_of(page.text) == language, (language, path)


def test_a_password_change_keeps_the_language(alice):
    assert choose(alice, "es").status == 303
    page = alice.submit("/manage/account/", {"current_password": PASSWORD, "new_password": "a much longer passphrase",
                                            "password_confirm": "a much longer passphrase"},
                        action="/manage/account/password/")
    assert page.status == 303
    assert lang_of(alice.get("/manage/account/").text) == "es"
