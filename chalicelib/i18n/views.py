"""/language/: the footer's picker. The choice is a cookie, and is stored on the account of a
logged-in reader, so mail reaches them in it too."""
from __future__ import annotations

from chalicelib import web
from chalicelib.accounts import preferences
from chalicelib.core.errors import ValidationError
from chalicelib.core.translation import LANGUAGES, gettext
from chalicelib.web import Response

routes = web.Routes(__name__)
route = routes.route


@route("/language", methods=["GET"])
def language_form() -> Response:
    req = routes.web_request()
    return web.page(req, "language.html", next=web.safe_next(req.query.get("next"), "/"))


@route("/language", methods=["POST"], content_types=web.FORM)
def choose_language() -> Response:
    req = routes.web_request()
    back = web.safe_next(req.form.get("next"), "/")

    def act() -> Response:
        chosen = req.form.get("language", "")
        if chosen not in LANGUAGES:
            raise ValidationError({"language": gettext("Choose one of the languages in the list.")})
        if req.username:
            preferences.set_language(req.username, chosen)
        web.remember_language(req, chosen)
        return web.redirect(req, back)
    return web.form_action(req, "language.html", act, next=back)
