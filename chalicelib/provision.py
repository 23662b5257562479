"""Creates the tables, the bucket and the mail sender identity when missing.

Used by `make run` against moto server and by the tests; deployed stages get the same
resources from sam.json instead.
"""
from __future__ import annotations

from email.utils import parseaddr

from pynamodb.models import Model

from chalicelib import registry
from chalicelib.core import aws
from chalicelib.core.config import Settings
from chalicelib.core.db import hash_first

TTL_ATTRIBUTE = "expires"


def ensure_all(settings: Settings) -> None:
    registry.bind(settings)
    for model in registry.MODELS:
        ensure_table(model)
    ensure_bucket(settings.bucket)
    if settings.download_logs is not None:  # the local file server's access logs (the CDN's are its own)
        ensure_bucket(settings.download_logs[0])
    aws.client("ses").verify_email_identity(EmailAddress=parseaddr(settings.mail_sender)[1])


def ensure_table(model: type[Model]) -> None:
    if model.exists():
        ensure_indexes(model)
        return
    model.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
    if TTL_ATTRIBUTE in model.get_attributes():
        aws.client("dynamodb").update_time_to_live(
            TableName=model.Meta.table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )


def ensure_indexes(model: type[Model]) -> None:
    """Adds the secondary indexes a model gained since its table was made (local state)."""
    dynamodb = aws.client("dynamodb")
    table = dynamodb.describe_table(TableName=model.Meta.table_name)["Table"]
    have = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
    for index in model._get_schema().get("global_secondary_indexes", []):
        if index["index_name"] in have:
            continue
        dynamodb.update_table(TableName=model.Meta.table_name, AttributeDefinitions=index["attribute_definitions"],
                              GlobalSecondaryIndexUpdates=[{"Create": {
                                  "IndexName": index["index_name"], "KeySchema": hash_first(index["key_schema"]),
                                  "Projection": index["projection"]}}])


def ensure_bucket(name: str) -> None:
    s3 = aws.client("s3")
    existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    if name not in existing:
        s3.create_bucket(Bucket=name)
