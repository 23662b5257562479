"""A small PEP 691 index to stand upstream of the one under test: the test fills it with
files (bytes), and it serves their project pages as JSON (with an ETag, answering 304 to
If-None-Match) and the files themselves. It counts what it was asked, and can be stopped and
started again on the same port."""
from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JSON = "application/vnd.pypi.simple.v1+json"


class Upstream:
    def __init__(self) -> None:
        self.projects: dict[str, dict[str, dict[str, Any]]] = {}  # name -> filename -> entry
        self.blobs: dict[str, bytes] = {}
        self.asked: list[str] = []
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/simple/"

    def add(self, name: str, filename: str, data: bytes, upload_time: str | None = "2020-01-01T00:00:00.000000Z",
            **extra: Any) -> dict[str, Any]:
        entry = {"filename": filename, "url": f"/files/{filename}",
                 "hashes": {"sha256": hashlib.sha256(data).hexdigest()}, "size": len(data),
                 "requires-python": extra.pop("requires_python", None), "yanked": extra.pop("yanked", False),
                 **extra}
        if upload_time is not None:
            entry["upload-time"] = upload_time
        self.projects.setdefault(name, {})[filename] = entry
        self.blobs[filename] = data
        return entry

    def page(self, name: str) -> bytes:
        return json.dumps({"meta": {"api-version": "1.1"}, "name": name,
                           "files": list(self.projects[name].values())}).encode()

    def start(self) -> Upstream:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                owner.asked.append(self.path)
                parts = self.path.split("?")[0].strip("/").split("/")
                if parts[0] == "simple" and len(parts) == 2 and parts[1] in owner.projects:
                    body = owner.page(parts[1])
                    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                    if self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                    self._send(200, body, JSON, etag)
                elif parts[0] == "files" and len(parts) == 2 and parts[1] in owner.blobs:
                    self._send(200, owner.blobs[parts[1]], "application/octet-stream")
                elif parts[0] == "files" and len(parts) == 2 and parts[1].endswith(".metadata"):
                    self._send(200, b"Metadata-Version: 2.1\n", "text/plain")
                else:
                    self._send(404, b"not found", "text/plain")

            def _send(self, status: int, body: bytes, kind: str, etag: str | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
