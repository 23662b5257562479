"""/project/<name>/stats/: a project's daily downloads over the last 90 days, as a chart and a
table, for everyone who may read the project; and the every-minute task that counts the file
URL's downloads from its access logs."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

from chalicelib import web
from chalicelib.core.lazy import lazy
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to the page, not by every cold start
    from chalicelib.downloads import chart, logs, stats
    from chalicelib.packaging import catalog
    from chalicelib.packaging import views as packaging
    from chalicelib.readers import views as readers
else:
    chart = lazy("chalicelib.downloads.chart")
    logs = lazy("chalicelib.downloads.logs")
    stats = lazy("chalicelib.downloads.stats")
    catalog = lazy("chalicelib.packaging.catalog")
    packaging = lazy("chalicelib.packaging.views")
    readers = lazy("chalicelib.readers.views")

routes = web.Routes(__name__)
route = routes.route
RUN_FOR = 40  # seconds of each minute's run spent on waiting logs


@route("/project/{name}/stats", methods=["GET"])
def statistics(name: str) -> Response:
    req = routes.web_request()
    opened = packaging.readable(name, lambda: web.page(req, "not-found.html", 404), req)
    if isinstance(opened, Response):
        return opened
    found = opened.project
    versions = [release.version for release in catalog.offered_releases(found)]
    version = req.query.get("version") or None
    if version is not None and version not in versions:
        return web.page(req, "not-found.html", 404)
    days = stats.days(found.history_key)
    response = web.page(req, "stats.html", project=found, versions=versions, version=version, days=days,
                        chart=chart.chart([(day.when, day.of(version)) for day in days]),
                        recent=stats.summary(days), by_version=stats.by_version(days))
    if opened.private:
        response.headers.update(readers.PRIVATE)
    return response


def resolve(key: str) -> logs.File | None:
    """The listed file an object key of the file URL's logs is; None for a sidecar or anything else."""
    found = catalog.offered_object(key)
    if found is None or found.sidecar:
        return None
    return logs.File(found.project.history_key, found.version, found.filename)


def count_downloads() -> object:
    """The file URL's downloads, counted from the access logs waiting (every minute), in batches
    for as long as the batches are full."""
    until = time.monotonic() + RUN_FOR
    while time.monotonic() < until and logs.run(resolve) == logs.BATCH:
        pass
    return None


count_downloads = routes.every_minute(count_downloads)  # the Lambda's handler, by this name
