"""The local stack's file URL: the bucket's listed files served read-only, as the CDN serves them
in a deployment (`make run` starts it and links public files to it; see CHEESESHOP_FILES_URL).

Only GET and HEAD of objects under packages/, never one tagged withheld (a private or
quarantined project's): those answer 404, as CloudFront's origin access is refused them.
Like CloudFront's standard logging, it leaves its access log in the logs bucket
(CHEESESHOP_DOWNLOAD_LOGS) about every second, where downloads are counted from
(chalicelib.downloads.logs).
Run by scripts/run_local.py: `python scripts/local_files.py <port>` with the stack's environment.
"""
from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from botocore.exceptions import ClientError  # noqa: E402

from chalicelib.core import aws, clock, storage  # noqa: E402
from chalicelib.core.config import get_settings  # noqa: E402
from chalicelib.downloads import logs  # noqa: E402
from chalicelib.packaging import layout  # noqa: E402

YEAR = 365 * 24 * 3600  # files are content-addressed: the bytes under a key never change
FLUSH_SECONDS = 1.0
_lines: list[str] = []
_lock = threading.Lock()


def _flush_forever() -> None:
    """Delivers the access log as CloudFront does: in objects, each a batch of requests."""
    while True:
        time.sleep(FLUSH_SECONDS)
        with _lock:
            taken = _lines[:]
            del _lines[:]
        try:
            logs.write(taken, clock.now())
        except Exception as exc:  # noqa: BLE001 - the local AWS is stopping: those requests go uncounted
            sys.stderr.write(f"files: the access log could not be written: {exc}\n")


class Files(BaseHTTPRequestHandler):
    server_version = "cheeseshop-files"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        """Each request on a line of its own, told from the app's by its prefix."""
        sys.stderr.write("files: " + format % args + "\n")

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's name
        self._serve(body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._serve(body=True)

    def _serve(self, body: bool) -> None:
        stem = urlsplit(self.path).path
        key = unquote(stem).lstrip("/")
        head = self._head(key) if key.startswith(layout.PACKAGES) and ".." not in key else None
        if head is None:
            self._answer(404, b"Not found.\n")
            self._logged(stem, 404, 0)
            return
        self.send_response(200)
        self.send_header("Content-Type", head.get("ContentType") or "application/octet-stream")
        self.send_header("Content-Length", str(head["ContentLength"]))
        self.send_header("ETag", head["ETag"])
        self.send_header("Cache-Control", f"public, max-age={YEAR}, immutable")
        self.end_headers()
        if body:
            for chunk in storage.chunks(key):
                self.wfile.write(chunk)
        self._logged(stem, 200, int(head["ContentLength"]) if body else 0)  # type: ignore[call-overload]

    def _logged(self, stem: str, status: int, size: int) -> None:
        """This request as a line of the access log the next delivery takes."""
        line = logs.line(clock.now(), self.command, stem, status, size, self.headers.get("Host", ""),
                         self.headers.get("User-Agent", ""))
        with _lock:
            _lines.append(line)

    @staticmethod
    def _head(key: str) -> dict[str, object] | None:
        try:
            head = aws.client("s3").head_object(Bucket=get_settings().bucket, Key=key)
            return None if storage.withheld(key) else head  # type: ignore[no-any-return]
        except ClientError:
            return None

    def _answer(self, status: int, text: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(text)

    def do_POST(self) -> None:  # noqa: N802 - read-only: every other method is refused
        self._answer(405, b"Read-only.\n")

    do_PUT = do_DELETE = do_PATCH = do_POST  # noqa: N815


def main(port: int) -> None:
    threading.Thread(target=_flush_forever, daemon=True).start()
    ThreadingHTTPServer(("127.0.0.1", port), Files).serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]))
