"""/_/oidc/: the endpoints CI publishing actions and `uv publish` call, as PyPI's. Answers to
tools: JSON, in English; every refusal a 422 with PyPI's error codes, never a 500."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib import web
from chalicelib.core.config import get_settings
from chalicelib.core.lazy import lazy
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these endpoints, not by every cold start
    from chalicelib.oidc import verify
else:
    verify = lazy("chalicelib.oidc.verify")

routes = web.Routes(__name__)
route = routes.route
BODY_MAX = 64 * 1024
ANY_BODY = ["application/json", "text/plain", "application/x-www-form-urlencoded", "application/octet-stream"]


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(body=json.dumps(body), status_code=status,
                    headers={"Content-Type": "application/json", "Cache-Control": "no-store"})


def _refused(refusal: verify.Refused) -> Response:
    return _json(422, {"message": "Token request failed",
                       "errors": [{"code": refusal.code, "description": refusal.description}]})


def _payload() -> Any:
    body = routes.request.raw_body or b""
    if len(body) > BODY_MAX:
        raise verify.Refused("invalid-payload", "the body is too large")
    try:
        return json.loads(body)
    except ValueError as exc:  # UnicodeDecodeError too
        raise verify.Refused("invalid-payload", "the body is not JSON") from exc


@route("/_/oidc/audience", for_tools=True, methods=["GET"])
def audience() -> Response:
    return _json(200, {"audience": get_settings().oidc_audience})


@route("/_/oidc/mint-token", for_tools=True, methods=["POST"], content_types=ANY_BODY)
def mint_token() -> Response:
    from chalicelib.oidc import minting  # loaded by the first minting, not by every cold start

    try:
        minted = minting.mint(_payload(), web.parse_origin_only(routes.request))
    except verify.Refused as refusal:
        return _refused(refusal)
    return _json(200, {"success": True, "token": minted.token, "expires": minted.expires})


@route("/_/oidc/burn-token", for_tools=True, methods=["POST"], content_types=ANY_BODY)
def burn_token() -> Response:
    from chalicelib.oidc import minting

    try:
        minting.burn(_payload())
    except verify.Refused as refusal:
        return _refused(refusal)
    return Response(body="", status_code=202)
