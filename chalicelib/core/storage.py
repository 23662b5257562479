"""Distribution files in S3: the only module that touches the bucket."""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import datetime

from botocore.exceptions import ClientError

from chalicelib.core import aws
from chalicelib.core.config import get_settings

DOWNLOAD_URL_SECONDS = 300


class AlreadyStored(Exception):
    """An object already exists under that key (it is never overwritten)."""


def put(key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
    """Stores new bytes under key, checked by S3 against their SHA-256; never overwrites."""
    checksum = base64.b64encode(hashlib.sha256(data).digest()).decode()
    try:
        aws.client("s3").put_object(Bucket=get_settings().bucket, Key=key, Body=data,
                                    ContentType=content_type, ChecksumSHA256=checksum, IfNoneMatch="*")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "ConditionalRequestConflict"):
            raise AlreadyStored(key) from exc
        raise


def get(key: str) -> bytes | None:
    try:
        body = aws.client("s3").get_object(Bucket=get_settings().bucket, Key=key)["Body"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise
    return bytes(body.read())


def delete(key: str) -> None:
    aws.client("s3").delete_object(Bucket=get_settings().bucket, Key=key)


def listing(prefix: str) -> Iterator[tuple[str, datetime]]:
    """Every object under prefix, with when it was written."""
    pages = aws.client("s3").get_paginator("list_objects_v2").paginate(Bucket=get_settings().bucket, Prefix=prefix)
    for page in pages:
        for item in page.get("Contents", []):
            yield item["Key"], item["LastModified"]


def download_url(key: str, seconds: int = DOWNLOAD_URL_SECONDS) -> str:
    """A short-lived URL for the object itself."""
    return str(aws.client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": get_settings().bucket, "Key": key}, ExpiresIn=seconds))
