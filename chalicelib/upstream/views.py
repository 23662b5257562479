"""The pass-through's answers to installers: an upstream project's simple page (asked by
chalicelib.packaging's /simple/<name>/ for a name it does not hold) and /upstream-files/, whose
downloads redirect to the upstream or to this index's copy, or say why not."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import web
from chalicelib.core.config import get_settings
from chalicelib.core.lazy import lazy
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first pass-through request, not by every cold start
    from chalicelib.admin import upstream as rules
    from chalicelib.readers import views as readers
    from chalicelib.upstream import pages, services
else:
    rules = lazy("chalicelib.admin.upstream")
    readers = lazy("chalicelib.readers.views")
    pages = lazy("chalicelib.upstream.pages")
    services = lazy("chalicelib.upstream.services")

routes = web.Routes(__name__)
route = routes.route
STALE = "X-Cheeseshop-Upstream-Stale"  # seconds since the upstream last confirmed a page served while it is down


def _no_project(name: str) -> Response:
    return web.plain(404, f"No project named '{name}' on this index.")


def simple(name: str, kind: str) -> Response | None:
    """The upstream's page for a name this index does not hold, to a reader who may read the
    index; None when this index holds the name (its own page answers)."""
    seen = readers.verdict(readers.caller(routes.request))
    if (refused := readers.for_tool(seen, lambda: _no_project(name))) is not None:
        return refused
    try:
        served = services.page(name)
    except services.Local:
        return None
    except services.Unavailable:
        return web.plain(503, f"The upstream index is not answering, and this index has no copy of '{name}' yet.",
                         {"Retry-After": "30"})
    if served is None:
        return _no_project(name)
    settings = get_settings()
    headers: dict[str, str | list[str]] = {
        "Content-Type": kind + ("; charset=utf-8" if "html" in kind else ""), "Vary": "Accept",
        "Cache-Control": readers.kept_for(seen.private)}
    if served.stale_for is not None:
        headers[STALE] = str(served.stale_for)
    body = "" if routes.request.method == "HEAD" else pages.render(served.name, served.files, kind, settings.url(""))
    return Response(body=body, status_code=200, headers=headers)


@route("/upstream-files/{name}/{filename}", for_tools=True, methods=["GET"])
def download(name: str, filename: str) -> Response:
    def hidden() -> Response:
        return web.plain(404, "No such file.")
    if not services.enabled():
        return hidden()
    seen = readers.verdict(readers.caller(routes.request))
    if (refused := readers.for_tool(seen, hidden)) is not None:
        return refused
    try:
        found = services.download(name, filename)
    except services.Refused as exc:
        rules.record_refusal(f"{name}/{filename}", exc.message, web.parse_origin_only(routes.request))
        return web.plain(403, exc.message)
    except services.Unavailable:
        return web.plain(503, "The upstream index is not answering: try again shortly.", {"Retry-After": "30"})
    if found is None:
        return hidden()
    return Response(body="", status_code=302, headers={"Location": found.url, "Cache-Control": "no-store"})
