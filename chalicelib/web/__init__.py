"""The web edge: the only place that speaks Chalice. Views import what they need from
here (chalicelib.web); services below never see a request."""
from chalicelib.web.forms import FORM, form_action, gate
from chalicelib.web.request import (
    DEVICE_COOKIE,
    PENDING_COOKIE,
    WebRequest,
    clear_pending_login,
    clear_session,
    parse_origin_only,
    remember_language,
    safe_next,
    set_pending_login,
    start_session,
    webauthn_elsewhere,
)
from chalicelib.web.responses import Response, error_headers, page, plain, redirect, respond, unavailable, url
from chalicelib.web.routing import Routes

__all__ = ["DEVICE_COOKIE", "FORM", "PENDING_COOKIE", "Response", "Routes", "WebRequest", "clear_pending_login",
           "clear_session", "error_headers", "form_action", "gate", "page", "parse_origin_only", "plain", "redirect",
           "remember_language", "respond", "safe_next", "set_pending_login", "start_session", "unavailable", "url",
           "webauthn_elsewhere"]
