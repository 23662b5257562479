"""/upload/: upload sessions in the shape of PEP 694 (Upload 2.0), for files larger than
/legacy/ can take. Requests and answers are application/vnd.pypi.upload.v2+json; refusals
are RFC 9457 problem details with the same messages /legacy/ gives. Answers to tools, in
English; authentication as /legacy/'s (an API token)."""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from chalicelib import web
from chalicelib.core.config import get_settings
from chalicelib.core.errors import CheeseshopError, UploadRefused
from chalicelib.web import Response

routes = web.Routes(__name__)
route = routes.route
CONTENT_TYPE = "application/vnd.pypi.upload.v2+json"
BODIES = [CONTENT_TYPE, "application/json", "text/plain", "application/x-www-form-urlencoded",
          "application/octet-stream", "multipart/form-data"]
BODY_MAX = 64 * 1024
ROOT = "/upload"


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(body=json.dumps({"meta": {"api-version": "2.0"}, **body}), status_code=status,
                    headers={"Content-Type": CONTENT_TYPE, "Cache-Control": "no-store", **(headers or {})})


def _problem(exc: CheeseshopError, headers: dict[str, str] | None = None) -> Response:
    title = HTTPStatus(exc.status).phrase
    kind = getattr(exc, "problem_type", "about:blank")
    return Response(body=json.dumps({"type": kind, "title": title, "status": exc.status,
                                     "detail": exc.message}), status_code=exc.status,
                    headers={"Content-Type": "application/problem+json", "Cache-Control": "no-store",
                             **web.error_headers(exc), **(headers or {})})


def _answer(run: Callable[[Any], Response]) -> Response:
    """Authenticates the request's token, then runs the action; refusals become problems."""
    from chalicelib.forklift import access, upload_sessions

    try:
        return run(access.token(routes.request.headers.get("authorization")))
    except upload_sessions.SessionExists as exc:
        return _problem(exc, {"Location": _session_url(exc.session_id)})
    except CheeseshopError as exc:
        return _problem(exc, {"WWW-Authenticate": 'Basic realm="cheeseshop"'} if exc.status == 401 else None)


def _payload() -> dict[str, Any]:
    body = routes.request.raw_body or b""
    if len(body) > BODY_MAX:
        raise UploadRefused("The request body is too large.", status=413)
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise UploadRefused(f"Send a JSON body ({CONTENT_TYPE}).") from exc
    if not isinstance(payload, dict):
        raise UploadRefused("Send a JSON object.")
    meta = payload.get("meta") or {}
    version = str(meta.get("api-version", "2.0")) if isinstance(meta, dict) else repr(meta)
    if version.split(".")[0] != "2":
        raise UploadRefused(f"Unsupported api-version {version!r}: this index speaks 2.0.", status=415)
    return payload


def _session_url(session_id: str) -> str:
    return get_settings().url(f"{ROOT}/session/{session_id}")


def _file_url(session_id: str, filename: str) -> str:
    return f"{_session_url(session_id)}/files/{quote(filename)}"


def _when(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _session(state: Any) -> dict[str, Any]:
    from chalicelib.forklift import files

    url = _session_url(state.id)
    return {"links": {"session": url, "upload": f"{url}/files", "publish": f"{url}/publish"},
            "mechanisms": [files.MECHANISM], "status": state.status, "expires-at": _when(state.expires_at),
            "project": state.name, "version": state.version, "notices": [],
            "files": {name: {"status": status, "link": _file_url(state.id, name)}
                      for name, status in sorted(state.files.items())}}


def _file(session_id: str, state: Any) -> dict[str, Any]:
    from chalicelib.forklift import files

    url = _file_url(session_id, state.filename)
    return {"links": {"session": _session_url(session_id), "file-upload-session": url, "complete": f"{url}/complete"},
            "filename": state.filename, "status": state.status, "expires-at": _when(state.expires_at),
            "size": state.size, "hashes": {"sha256": state.sha256},
            "mechanism": {"identifier": files.MECHANISM, "size": state.size, "part-size": state.part_size,
                          "urls-valid-for": files.URL_SECONDS,
                          "parts": [{"number": n, "uploaded": n not in state.urls, "url": state.urls.get(n)}
                                    for n in range(1, state.part_count + 1)] if state.status != "completed" else []}}


@route(ROOT, for_tools=True, methods=["POST"], content_types=BODIES)
def open_session() -> Response:
    from chalicelib.forklift import upload_sessions

    def run(token: Any) -> Response:
        payload = _payload()
        name, version = payload.get("name"), payload.get("version")
        if not isinstance(name, str) or not isinstance(version, str):
            raise UploadRefused("Name the project and the version: name and version are required strings.")
        state = upload_sessions.open_session(token, name, version)
        return _json(201, _session(state), {"Location": _session_url(state.id)})
    return _answer(run)


@route(ROOT + "/session/{session_id}", for_tools=True, methods=["GET", "DELETE"], content_types=BODIES)
def session(session_id: str) -> Response:
    from chalicelib.forklift import publication, upload_sessions

    def run(token: Any) -> Response:
        if routes.request.method == "DELETE":
            publication.cancel(token, session_id)
            return Response(body="", status_code=204)
        return _json(200, _session(upload_sessions.state(token, session_id)))
    return _answer(run)


@route(ROOT + "/session/{session_id}/publish", for_tools=True, methods=["POST"], content_types=BODIES)
def publish(session_id: str) -> Response:
    from chalicelib.forklift import publication

    def run(token: Any) -> Response:
        state = publication.publish(token, session_id, web.parse_origin_only(routes.request))
        return _json(201, _session(state), {"Location": _session_url(session_id)})
    return _answer(run)


@route(ROOT + "/session/{session_id}/files", for_tools=True, methods=["POST"], content_types=BODIES)
def begin_file(session_id: str) -> Response:
    from chalicelib.forklift import files

    def run(token: Any) -> Response:
        payload = _payload()
        filename, hashes = payload.get("filename"), payload.get("hashes")
        if not isinstance(filename, str) or not filename:
            raise UploadRefused("Name the file: filename is a required string.")
        sha256 = hashes.get("sha256") if isinstance(hashes, dict) else None
        state = files.begin(token, session_id, filename, payload.get("size"), sha256, payload.get("mechanism"),
                            payload.get("attestations"))
        return _json(202, _file(session_id, state), {"Location": _file_url(session_id, filename)})
    return _answer(run)


@route(ROOT + "/session/{session_id}/files/{filename}", for_tools=True, methods=["GET", "DELETE"],
       content_types=BODIES)
def file(session_id: str, filename: str) -> Response:
    from chalicelib.forklift import files

    def run(token: Any) -> Response:
        if routes.request.method == "DELETE":
            files.cancel(token, session_id, filename)
            return Response(body="", status_code=204)
        return _json(200, _file(session_id, files.state(token, session_id, filename)))
    return _answer(run)


@route(ROOT + "/session/{session_id}/files/{filename}/complete", for_tools=True, methods=["POST"],
       content_types=BODIES)
def complete_file(session_id: str, filename: str) -> Response:
    from chalicelib.forklift import files

    return _answer(lambda token: _json(200, _file(session_id, files.complete(token, session_id, filename))))
