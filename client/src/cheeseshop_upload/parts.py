"""Sending a file's parts to their presigned URLs: several at once, each tried again after a
failure; a part that still fails stops the file (what arrived stays for the next run)."""
from __future__ import annotations

import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, Callable

import requests

PART_TIMEOUT = (10, 120)


class PartFailed(Exception):
    pass


_local = threading.local()


def _http() -> requests.Session:
    """One plain session per thread: the storage's URLs carry their own signature, so no
    credentials of the index ever go to them."""
    if not hasattr(_local, "http"):
        _local.http = requests.Session()
    return _local.http


def read_part(path: str, number: int, part_size: int) -> bytes:
    with open(path, "rb") as source:
        source.seek((number - 1) * part_size)
        return source.read(part_size)


def put_part(url: str, data: bytes, retries: int) -> None:
    for attempt in range(retries + 1):
        try:
            response = _http().put(url, data=data, timeout=PART_TIMEOUT)
            if response.status_code < 300:
                return
            problem = f"{response.status_code} {response.reason}"
        except requests.RequestException as exc:
            problem = str(exc)
        if attempt < retries:
            time.sleep(min(8.0, 0.5 * 2 ** attempt))
    raise PartFailed(problem)


def send(path: str, parts: list[dict[str, Any]], part_size: int, jobs: int, retries: int,
         done: Callable[[int], None]) -> None:
    """PUTs every part not uploaded yet; done(bytes) after each one that arrived."""
    waiting = [part for part in parts if not part["uploaded"]]

    def one(part: dict[str, Any]) -> None:
        data = read_part(path, part["number"], part_size)
        put_part(part["url"], data, retries)
        done(len(data))

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, part) for part in waiting]
        finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [future for future in finished if future.exception() is not None]
        if failed:
            for future in futures:
                future.cancel()
            raise failed[0].exception()  # type: ignore[misc]
