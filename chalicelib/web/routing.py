"""Blueprints whose every view is guarded: a store that cannot be reached is a 503 page.
(Chalice turns a view's exception into its own 500 before any middleware sees it.)
Views get their blueprint and request from here and never import chalice themselves."""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Rate
from chalice.app import Request, Response

from chalicelib.core import aws, telemetry, translation
from chalicelib.web.request import WebRequest, parse
from chalicelib.web.responses import unavailable

log = logging.getLogger(__name__)
ViewFunction = Callable[..., Response]


class Routes:
    """A blueprint and its guarded route decorator, for one package's views."""

    def __init__(self, name: str) -> None:
        self.blueprint = Blueprint(name)

    @property
    def request(self) -> Request:
        return self.blueprint.current_request

    def web_request(self) -> WebRequest:
        return parse(self.blueprint.current_request)

    def hourly(self, task: Callable[[], object]) -> Any:
        """A task AWS runs every hour (a scheduled Lambda), with the stores bound. Returns the
        Lambda's handler, which must be the module's attribute of the task's name."""
        return self._scheduled(task, Rate(1, unit=Rate.HOURS))

    def every_minute(self, task: Callable[[], object]) -> Any:
        """As hourly(), every minute."""
        return self._scheduled(task, Rate(1, unit=Rate.MINUTES))

    def _scheduled(self, task: Callable[[], object], rate: Rate) -> Any:
        from chalicelib import registry
        from chalicelib.core.config import get_settings

        def run(event: Any) -> None:
            settings = get_settings()
            telemetry.install_once(deployed=not settings.is_local)
            telemetry.begin(None)
            registry.bind(settings)
            task()
        run.__name__ = run.__qualname__ = task.__name__
        return self.blueprint.schedule(rate, name=task.__name__)(run)

    def route(self, path: str, *, for_tools: bool = False, **options: Any) -> Callable[[ViewFunction], ViewFunction]:
        """for_tools: an answer to installers, twine and bots, always in English whatever the
        request's language (tools print it as it comes, and logs are searched for it)."""
        def register(view: ViewFunction) -> ViewFunction:
            @functools.wraps(view)
            def guarded(*args: Any, **kwargs: Any) -> Response:
                if for_tools:
                    translation.activate(translation.DEFAULT)
                try:
                    return view(*args, **kwargs)
                except Exception as exc:
                    if not aws.is_unavailable(exc):
                        raise
                    log.exception("a store is unavailable")
                    accept = self.blueprint.current_request.headers.get("accept", "")
                    return unavailable(html="text/html" in accept)
            self.blueprint.route(path, **options)(guarded)
            return view
        return register
