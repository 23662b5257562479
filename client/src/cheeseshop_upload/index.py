"""The index's upload sessions: a publishing session per release, a file-upload session per
file, each answered as JSON (application/vnd.pypi.upload.v2+json); refusals come as problem
details whose `detail` says what to do."""
from __future__ import annotations

from typing import Any

import requests

CONTENT_TYPE = "application/vnd.pypi.upload.v2+json"
MECHANISM = "vnd-cheeseshop-s3-multipart-presigned"
TIMEOUT = (10, 300)  # completing a large file means the index reads it through once


ALREADY_UPLOADED = "urn:cheeseshop:upload:already-uploaded"  # the same file is listed: nothing to send


class Refused(Exception):
    """The index said no; the message is its reason, `kind` its problem type."""

    def __init__(self, status: int, message: str, kind: str = "about:blank") -> None:
        super().__init__(message)
        self.status, self.kind = status, kind


def session_root(repository_url: str) -> str:
    """The sessions' root: /upload/ beside the /legacy/ URL twine is given, or as given."""
    url = repository_url.rstrip("/")
    if url.endswith("/legacy"):
        url = url[: -len("/legacy")]
    if not url.endswith("/upload"):
        url += "/upload"
    return url + "/"


class Index:
    def __init__(self, repository_url: str, username: str, password: str) -> None:
        self.root = session_root(repository_url)
        self.http = requests.Session()
        self.http.auth = (username, password)
        self.http.headers.update({"Accept": CONTENT_TYPE, "User-Agent": "cheeseshop-upload"})

    def _call(self, method: str, url: str, body: dict[str, Any] | None = None,
              allow: tuple[int, ...] = ()) -> requests.Response:
        data = None
        headers = {}
        if body is not None:
            import json

            data = json.dumps(dict({"meta": {"api-version": "2.0"}}, **body))
            headers["Content-Type"] = CONTENT_TYPE
        response = self.http.request(method, url, data=data, headers=headers, timeout=TIMEOUT)
        if response.status_code >= 400 and response.status_code not in allow:
            raise Refused(response.status_code, _reason(response), _kind(response))
        return response

    def open_session(self, name: str, version: str) -> dict[str, Any]:
        """A new session for the release, or the one already open for it (to resume)."""
        response = self._call("POST", self.root, {"name": name, "version": version}, allow=(409,))
        if response.status_code == 409 and response.headers.get("Location"):
            return self.get(response.headers["Location"])
        if response.status_code == 409:
            raise Refused(409, _reason(response))
        return response.json()

    def get(self, url: str) -> dict[str, Any]:
        return self._call("GET", url).json()

    def begin_file(self, session: dict[str, Any], filename: str, size: int, sha256: str,
                   attestations: list[Any] | None = None) -> dict[str, Any]:
        body = {"filename": filename, "size": size, "hashes": {"sha256": sha256}, "mechanism": MECHANISM}
        if attestations is not None:
            body["attestations"] = attestations
        return self._call("POST", session["links"]["upload"], body).json()

    def cancel_file(self, link: str) -> None:
        self._call("DELETE", link)

    def cancel(self, session: dict[str, Any]) -> None:
        self._call("DELETE", session["links"]["session"])

    def complete_file(self, upload: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", upload["links"]["complete"]).json()

    def publish(self, session: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", session["links"]["publish"]).json()


def _kind(response: requests.Response) -> str:
    try:
        return str(response.json().get("type", "about:blank"))
    except (ValueError, AttributeError):
        return "about:blank"


def _reason(response: requests.Response) -> str:
    try:
        problem = response.json()
    except ValueError:
        return f"{response.status_code} {response.reason}: {response.text.strip()[:500]}"
    detail = problem.get("detail") or problem.get("message") or response.reason
    return f"{response.status_code} {detail}"
