"""cheeseshop-upload: twine's flags, upload sessions underneath."""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import sys
import threading
from collections import OrderedDict
from typing import Any

from cheeseshop_upload import parts
from cheeseshop_upload.index import ALREADY_UPLOADED, Index, Refused


def release_of(filename: str) -> tuple[str, str]:
    """The project name and version a distribution's filename states."""
    if filename.endswith(".whl"):
        pieces = filename[:-4].split("-")
        if len(pieces) in (5, 6):
            return pieces[0], pieces[1]
    for suffix in (".tar.gz", ".zip"):
        if filename.endswith(suffix):
            name, _, version = filename[: -len(suffix)].rpartition("-")
            if name and version:
                return name, version
    raise SystemExit(f"cheeseshop-upload: {filename} is not a wheel (.whl) or an sdist (.tar.gz, .zip)")


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for block in iter(lambda: source.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def attestations_of(path: str) -> list[Any]:
    """The PEP 740 attestations beside a distribution, named as twine finds them:
    `<file>.<kind>.attestation` (each a JSON attestation object)."""
    found = sorted(glob.glob(glob.escape(path) + ".*.attestation"))
    loaded = []
    for name in found:
        with open(name, encoding="utf-8") as source:
            loaded.append(json.load(source))
    return loaded


class Progress:
    """A bar on a terminal; elsewhere a line per quarter."""

    def __init__(self, label: str, total: int, done: int, shown: bool) -> None:
        self.label, self.total, self.done, self.shown = label, max(total, 1), done, shown
        self.tty = sys.stderr.isatty()
        self.lock = threading.Lock()
        self.quarter = 4 * done // self.total
        self.draw()

    def add(self, amount: int) -> None:
        with self.lock:
            self.done += amount
            self.draw()

    def draw(self) -> None:
        if not self.shown:
            return
        share = self.done / self.total
        if self.tty:
            filled = int(30 * share)
            sys.stderr.write(f"\r{self.label}  [{'#' * filled}{'.' * (30 - filled)}] "
                             f"{self.done / 2**20:.1f}/{self.total / 2**20:.1f} MiB")
            sys.stderr.flush()
        elif 4 * self.done // self.total > self.quarter or self.done == self.total:
            self.quarter = 4 * self.done // self.total
            sys.stderr.write(f"{self.label}  {int(100 * share)}% of {self.total / 2**20:.1f} MiB\n")

    def close(self) -> None:
        if self.shown and self.tty:
            sys.stderr.write("\n")


def upload_file(index: Index, session: dict[str, Any], path: str, options: argparse.Namespace) -> bool:
    """Sends one file into the session; False when the index lists the same file already."""
    filename = os.path.basename(path)
    size, sha256 = os.path.getsize(path), sha256_of(path)
    known = session.get("files", {}).get(filename)
    upload: dict[str, Any] | None = index.get(known["link"]) if known else None
    if upload is not None and upload["hashes"]["sha256"] != sha256:  # another file of that name began
        index.cancel_file(known["link"])
        upload = None
    if upload is not None and upload["status"] == "completed":
        print(f"{filename}: uploaded and checked earlier in this session")
        return True
    if upload is None:
        try:
            upload = index.begin_file(session, filename, size, sha256,
                                      attestations_of(path) if options.attestations else None)
        except Refused as exc:
            if exc.kind != ALREADY_UPLOADED:
                raise
            print(f"{filename}: published already, with the same bytes")
            return False
    mechanism = upload["mechanism"]
    held = [p for p in mechanism["parts"] if p["uploaded"]]
    part_size = mechanism["part-size"]
    if held:
        print(f"{filename}: resuming, {len(held)} of {len(mechanism['parts'])} parts already at the index")
    already = sum(min(part_size, size - (p["number"] - 1) * part_size) for p in held)
    progress = Progress(filename, size, already, not options.disable_progress_bar)
    try:
        parts.send(path, mechanism["parts"], part_size, options.jobs, options.retries, progress.add)
    finally:
        progress.close()
    index.complete_file(upload)
    print(f"{filename}: uploaded and checked")
    return True


def upload_release(index: Index, name: str, version: str, paths: list[str], options: argparse.Namespace) -> None:
    session = index.open_session(name, version)
    sent = [path for path in paths if upload_file(index, session, path, options)]
    if not sent:  # every file is listed already (a rerun after a publish whose answer was lost)
        index.cancel(session)
        print(f"Nothing to publish for {name} {version}: its files are on the index already")
        return
    index.publish(session)
    print(f"Published {name} {version}: {', '.join(os.path.basename(p) for p in sent)}")


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cheeseshop-upload", description=(
        "Upload distributions to a cheeseshop index, straight to its storage, resuming where a previous run stopped."))
    parser.add_argument("dists", nargs="+", metavar="FILES", help="wheels and sdists to upload")
    parser.add_argument("--repository-url", default=os.environ.get("TWINE_REPOSITORY_URL"),
                        help="the index's upload URL (twine's /legacy/ URL, or /upload/)")
    parser.add_argument("-u", "--username", default=os.environ.get("TWINE_USERNAME", "__token__"))
    parser.add_argument("-p", "--password", default=os.environ.get("TWINE_PASSWORD"))
    parser.add_argument("--jobs", type=int, default=4, help="parts sent at once (default 4)")
    parser.add_argument("--retries", type=int, default=3, help="tries again per part after a failure (default 3)")
    parser.add_argument("--disable-progress-bar", action="store_true")
    parser.add_argument("--attestations", action="store_true",
                        help="send each file's PEP 740 attestations (<file>.*.attestation beside it)")
    options = parser.parse_args(argv)
    if not options.repository_url:
        parser.error("give --repository-url (or TWINE_REPOSITORY_URL)")
    if not options.password:
        parser.error("give the API token with -p (or TWINE_PASSWORD)")
    return options


def main(argv: list[str] | None = None) -> int:
    options = arguments(argv)
    releases: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
    for path in options.dists:
        if path.endswith(".attestation"):
            continue  # found beside its distribution, as twine does
        if not os.path.isfile(path):
            print(f"cheeseshop-upload: no such file: {path}", file=sys.stderr)
            return 2
        if options.attestations and not attestations_of(path):
            print(f"cheeseshop-upload: --attestations given, but {path} has no attestations beside it "
                  f"({os.path.basename(path)}.<kind>.attestation)", file=sys.stderr)
            return 2
        releases.setdefault(release_of(os.path.basename(path)), []).append(path)
    index = Index(options.repository_url, options.username, options.password)
    try:
        for (name, version), paths in releases.items():
            upload_release(index, name, version, paths, options)
    except Refused as exc:
        print(f"Refused by the index: {exc}", file=sys.stderr)
        return 1
    except (parts.PartFailed, KeyboardInterrupt, OSError) as exc:
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"a part could not be sent ({exc})"
        print(f"Upload stopped: {reason}. Run the same command again, with the same token, to resume: "
              "the parts that arrived are kept for a day.", file=sys.stderr)
        return 130 if isinstance(exc, KeyboardInterrupt) else 1
    return 0
