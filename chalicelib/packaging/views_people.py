"""/user/<username>/: a user's public page (chalicelib.packaging.people). On a private index,
for those who may read it (chalicelib.readers)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import web
from chalicelib.core.errors import NotFound
from chalicelib.core.lazy import lazy
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to the page, not by every cold start
    from chalicelib.packaging import people
    from chalicelib.readers import views as readers
else:
    people = lazy("chalicelib.packaging.people")
    readers = lazy("chalicelib.readers.views")

routes = web.Routes(__name__)
route = routes.route


@route("/user/{username}", methods=["GET"])
def user_page(username: str) -> Response:
    req = routes.web_request()
    seen = readers.verdict(readers.page_caller(req, routes.request))
    if (refused := readers.for_page(req, seen, lambda: web.page(req, "not-found.html", 404))) is not None:
        return refused
    try:
        found = people.profile(username)
    except NotFound:
        return web.page(req, "not-found.html", 404)
    response = web.page(req, "user.html", profile=found)
    if seen.private:
        response.headers.update(readers.PRIVATE)
    return response
