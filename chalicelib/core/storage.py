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


WITHHELD = {"Key": "withheld", "Value": "1"}  # the bucket's policy keeps such objects from the CDN


def withhold(keys: list[str], withheld: bool) -> None:
    """Tags objects as withheld from the file URL (the CDN may not read them; nor does the local
    file server serve them), or clears the tag. An object that is not there is skipped."""
    s3, bucket = aws.client("s3"), get_settings().bucket
    for key in keys:
        try:
            if withheld:
                s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": [WITHHELD]})
            else:
                s3.delete_object_tagging(Bucket=bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404"):
                raise


def withheld(key: str) -> bool:
    tags = aws.client("s3").get_object_tagging(Bucket=get_settings().bucket, Key=key)["TagSet"]
    return WITHHELD in tags


def download_url(key: str, seconds: int = DOWNLOAD_URL_SECONDS) -> str:
    """A short-lived URL for the object itself."""
    return str(aws.client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": get_settings().bucket, "Key": key}, ExpiresIn=seconds))


# Large files come straight from the uploader to S3 in a multipart upload whose parts are
# PUT to presigned URLs (chalicelib.forklift.upload_sessions); the app never carries their bytes.

class NoSuchUpload(Exception):
    """The multipart upload is gone (completed, aborted, or expired by the bucket's rule)."""


def _missing_upload(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("NoSuchUpload", "404")


def start_upload(key: str) -> str:
    """Begins a multipart upload to key; returns its upload id."""
    answer = aws.client("s3").create_multipart_upload(Bucket=get_settings().bucket, Key=key,
                                                      ContentType="application/octet-stream")
    return str(answer["UploadId"])


def part_url(key: str, upload_id: str, number: int, seconds: int, size: int) -> str:
    """A URL the uploader PUTs one part's bytes to, valid for seconds. Its signature covers the
    part's length, so S3 refuses a PUT of any other size (not one byte more than declared)."""
    return str(aws.client("s3").generate_presigned_url(
        "upload_part", Params={"Bucket": get_settings().bucket, "Key": key, "UploadId": upload_id,
                               "PartNumber": number, "ContentLength": size}, ExpiresIn=seconds))


def uploaded_parts(key: str, upload_id: str) -> dict[int, tuple[int, str]]:
    """The parts S3 holds so far: number -> (size, ETag)."""
    parts: dict[int, tuple[int, str]] = {}
    try:
        pages = aws.client("s3").get_paginator("list_parts").paginate(
            Bucket=get_settings().bucket, Key=key, UploadId=upload_id)
        for page in pages:
            for part in page.get("Parts", []):
                parts[int(part["PartNumber"])] = (int(part["Size"]), str(part["ETag"]))
    except ClientError as exc:
        if _missing_upload(exc):
            raise NoSuchUpload(key) from exc
        raise
    return parts


def finish_upload(key: str, upload_id: str, etags: dict[int, str]) -> None:
    """Joins the parts into the object under key."""
    try:
        aws.client("s3").complete_multipart_upload(
            Bucket=get_settings().bucket, Key=key, UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etags[n]} for n in sorted(etags)]})
    except ClientError as exc:
        if _missing_upload(exc):
            raise NoSuchUpload(key) from exc
        raise


def copy(source: str, key: str) -> None:
    """Copies an object within the bucket (S3 copies it; the bytes do not pass through here)."""
    bucket = get_settings().bucket
    aws.client("s3").copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": source})


def abort_upload(key: str, upload_id: str) -> None:
    """Drops an unfinished upload and its parts (nothing if it is already gone)."""
    try:
        aws.client("s3").abort_multipart_upload(Bucket=get_settings().bucket, Key=key, UploadId=upload_id)
    except ClientError as exc:
        if not _missing_upload(exc):
            raise


def read_range(key: str, start: int, end: int) -> bytes:
    """Bytes start..end-1 of the object."""
    body = aws.client("s3").get_object(Bucket=get_settings().bucket, Key=key, Range=f"bytes={start}-{end - 1}")
    return bytes(body["Body"].read())


def chunks(key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
    """The object's bytes from the start, chunk_size at a time (never all held at once)."""
    body = aws.client("s3").get_object(Bucket=get_settings().bucket, Key=key)["Body"]
    try:
        yield from body.iter_chunks(chunk_size)
    finally:
        body.close()

