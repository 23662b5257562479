"""Home page and what every response shares: bound stores, the reader's language and
security headers."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice.app import Request, Response

from chalicelib import registry
from chalicelib.core import languages, telemetry, translation
from chalicelib.core.config import get_settings
from chalicelib.core.lazy import lazy
from chalicelib.web.request import LANGUAGE_COOKIE, cookies_of
from chalicelib.web.responses import page, static_file
from chalicelib.web.routing import Routes

if TYPE_CHECKING:  # loaded by the first search of the home page, not by every cold start
    from chalicelib.packaging import catalog, front
    from chalicelib.readers import views as readers
else:
    catalog = lazy("chalicelib.packaging.catalog")
    front = lazy("chalicelib.packaging.front")
    readers = lazy("chalicelib.readers.views")

routes = Routes(__name__)
route = routes.route
RECENT = 20  # the newest releases the home page lists

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # reset and verification links carry tokens
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
}


@routes.blueprint.middleware("http")
def bind_and_harden(event: Request, get_response: Callable[[Request], Response]) -> Response:
    settings = get_settings()
    telemetry.install_once(deployed=not settings.is_local)
    telemetry.begin((event.context or {}).get("requestId"))
    registry.bind(settings)
    translation.activate(languages.choose(cookies_of(event.headers).get(LANGUAGE_COOKIE),
                                          event.headers.get("accept-language", "")))
    response = get_response(event)
    telemetry.end(response.status_code)
    headers: dict[str, Any] = response.headers
    if headers.get("Content-Type", "").startswith("text/html"):  # pages are read by people
        headers.setdefault("Content-Language", translation.current())
        headers.setdefault("Vary", "Accept-Language, Cookie")
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    if get_settings().cookie_secure:  # a deployed stage is served over HTTPS only
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


@route("/", methods=["GET"])
def home() -> Response:
    req = routes.web_request()
    seen = readers.verdict(readers.page_caller(req, routes.request))  # a private index: users only
    if (refused := readers.for_page(req, seen, lambda: page(req, "not-found.html", 404))) is not None:
        return refused
    query = req.query.get("q", "").strip()[:100]
    extra: dict[str, Any] = {} if query else {"recent": front.recent(RECENT), "totals": front.totals()}
    response = page(req, "home.html", query=query, projects=catalog.search(query), **extra)
    if seen.private:
        response.headers.update(readers.PRIVATE)
    return response


@route("/static/{name}", methods=["GET"])
def static(name: str) -> Response:
    found = static_file(name)
    if found is None:
        return Response(body="Not found", status_code=404, headers={"Content-Type": "text/plain"})
    body, content_type = found
    return Response(body=body, status_code=200, headers={
        "Content-Type": content_type, "Cache-Control": "public, max-age=3600"})


CATCH_ALL_DEPTH = 8
ANY_BODY = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data", "text/xml",
            "application/xml", "text/plain", "application/octet-stream"]


def not_found(**_parts: str) -> Response:
    """The site's own 404 for a path no route knows: a page for browsers, plain text for tools."""
    req = routes.web_request()
    if "text/html" in routes.request.headers.get("accept", ""):
        return page(req, "not-found.html", 404)
    return Response(body="Not found.\n", status_code=404, headers={"Content-Type": "text/plain; charset=utf-8"})


# chalice local matches a route by its number of segments, so one route per depth catches every
# unknown path; a deployed stage answers the same through the API's MISSING_AUTHENTICATION_TOKEN response.
for depth in range(1, CATCH_ALL_DEPTH + 1):
    route("/" + "/".join(f"{{p{i}}}" for i in range(depth)),
          methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"], content_types=ANY_BODY,
          name=f"not_found_{depth}")(not_found)
