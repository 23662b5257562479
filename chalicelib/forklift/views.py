"""POST /legacy/: the upload API twine speaks."""
from __future__ import annotations

from chalicelib import web
from chalicelib.core import telemetry
from chalicelib.core.errors import CheeseshopError
from chalicelib.web import Response

routes = web.Routes(__name__)
route = routes.route


# Any body type reaches the pipeline, which refuses all but multipart with a plain-text 400
# (Chalice would otherwise answer a form post with its own JSON 415).
@route("/legacy", for_tools=True, methods=["POST"],
       content_types=["multipart/form-data", "application/x-www-form-urlencoded", "application/json", "text/plain",
                      "application/octet-stream"])
def legacy_upload() -> Response:
    request = routes.request
    req = web.parse_origin_only(request)
    headers = request.headers
    body = request.raw_body if isinstance(request.raw_body, bytes) else request.raw_body.encode()
    from chalicelib.forklift import pipeline  # loaded by the first upload, not by every cold start

    try:
        message = pipeline.upload(authorization=headers.get("authorization"),
                                 content_type=headers.get("content-type", ""), body=body, origin=req)
    except CheeseshopError as exc:
        telemetry.metric("UploadRefusals", Reason=str(exc.status))
        return web.plain(exc.status, exc.message, web.error_headers(exc) or (
            {"WWW-Authenticate": 'Basic realm="cheeseshop"'} if exc.status == 401 else None))
    telemetry.metric("Uploads")
    return web.plain(200, message)


def sweep_orphans() -> object:
    """Objects no file record lists (an upload or a deletion cut short), removed every hour."""
    from chalicelib.forklift import sweeper

    return sweeper.sweep()


sweep_orphans = routes.hourly(sweep_orphans)  # the Lambda's handler, by this name
