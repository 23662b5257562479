"""pynamodb plumbing shared by every package's models: binding tables to settings,
write transactions, and a get that answers None for a missing item.

Each package declares its own models; chalicelib.registry lists them all.
Items that expire carry a TTL attribute; code checks expiry too (moto never deletes).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.core import aws
from chalicelib.core.config import Settings

__all__ = ["Key", "Model", "bind", "get_many", "get_or_none", "transaction", "unbind"]

_bound: list[Settings | None] = [None]
_first: list[type[Model] | None] = [None]


def bind(models: Iterable[type[Model]], settings: Settings) -> None:
    """Point these models at the tables, endpoint and region of these settings."""
    if _bound[0] == settings:
        return
    models = tuple(models)
    for model in models:
        meta: Any = model.Meta
        base = getattr(meta, "base_table_name", None) or meta.table_name
        meta.base_table_name = base
        meta.table_name = settings.table_prefix + base
        meta.host = settings.aws_endpoint
        meta.region = settings.region
        meta.connect_timeout_seconds = aws.CONNECT_TIMEOUT
        meta.read_timeout_seconds = aws.READ_TIMEOUT
        meta.max_retry_attempts = aws.ATTEMPTS - 1  # pynamodb counts retries, botocore attempts
        if settings.is_local:
            meta.aws_access_key_id = "testing"
            meta.aws_secret_access_key = "testing"
        model._connection = None
        _first[0] = _first[0] or model
    _share_connection(models, settings)
    _bound[0] = settings


class _SharedConnection(Connection):
    """pynamodb's connection, with the DynamoDB client boto3 callers use too (core.aws), made on
    first use: a page that reads no table makes no client."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(region=settings.region, host=settings.aws_endpoint)
        self._settings = settings

    @property
    def client(self) -> Any:
        return aws.client_for("dynamodb", self._settings)


def _share_connection(models: tuple[type[Model], ...], settings: Settings) -> None:
    """One DynamoDB client for every table, not pynamodb's own client per model: making each
    costs a tenth of a second, which a cold start would pay for every table it touches."""
    shared = _SharedConnection(settings)
    for model in models:
        table = model._get_connection()
        shared.add_meta_table(table.get_meta_table())
        table.connection = shared


def unbind(models: Iterable[type[Model]]) -> None:
    _bound[0] = None
    for model in models:
        model._connection = None


def base_table_name(model: type[Model]) -> str:
    """The table's name without the deployment's prefix."""
    meta: Any = model.Meta
    return str(getattr(meta, "base_table_name", None) or meta.table_name)


def hash_first(keys: list[dict[str, str]]) -> list[dict[str, str]]:
    """A key schema in the order DynamoDB's API and CloudFormation want: the hash key first."""
    return sorted(keys, key=lambda key: key["KeyType"] != "HASH")


REFUSED = {"TransactionCanceledException", "ConditionalCheckFailedException"}
Write = Callable[[TransactWrite], None]  # one write, added to a transaction made elsewhere


def deleting(item: Model) -> Write:
    return lambda t: t.delete(item)


def cancelled(exc: BaseException) -> bool:
    """Whether DynamoDB refused a write: a condition failed, or a transaction conflicted."""
    from botocore.exceptions import ClientError

    cause = getattr(exc, "cause", None)
    return isinstance(cause, ClientError) and cause.response.get("Error", {}).get("Code") in REFUSED


def never_written(exc: BaseException) -> bool:
    """Whether a failed write certainly wrote nothing: refused, or never sent (no connection).
    Otherwise its outcome is unknown: it may have been carried out and only the answer lost."""
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

    cause = getattr(exc, "cause", None) or exc
    return cancelled(exc) or isinstance(cause, (EndpointConnectionError, ConnectTimeoutError))


class StoreUnavailable(Exception):
    """A transaction the store did not answer, or answered with an outage: never a refusal, so
    callers that read TransactWriteError as "a condition failed" do not mistake one for it
    (answered with a 503 like any unavailable store; `cause` is the store's error)."""

    def __init__(self, cause: BaseException | None) -> None:
        super().__init__(str(cause))
        self.cause = cause


class Transaction(TransactWrite):
    def _commit(self) -> Any:
        try:
            return super()._commit()
        except TransactWriteError as exc:
            if not cancelled(exc) and aws.is_unavailable(exc):
                raise StoreUnavailable(exc.cause) from exc
            raise


def transaction() -> TransactWrite:
    """A write transaction on the bound endpoint (every table shares it). A TransactWriteError
    from it means DynamoDB refused it; an outage is StoreUnavailable."""
    if _first[0] is None:
        raise RuntimeError("models are not bound to settings yet")
    return Transaction(connection=_first[0]._get_connection().connection)


Key = tuple[type[Model], str, str | None]  # a model and an item's hash and range key
BATCH_ATTEMPTS = 4  # DynamoDB may leave keys unprocessed under load: asked again, then a 503


def get_many(keys: Sequence[Key]) -> list[Any]:
    """Items of several tables from one BatchGetItem (asked again only for keys DynamoDB left
    unprocessed), in the order of `keys`; None where there is no item."""
    from botocore.exceptions import ClientError

    if _first[0] is None:
        raise RuntimeError("models are not bound to settings yet")
    models = {model.Meta.table_name: model for model, _, _ in keys}
    request: dict[str, Any] = {}
    for model, hash_key, range_key in dict.fromkeys(keys):  # a key asked twice is refused by DynamoDB
        request.setdefault(model.Meta.table_name, {"Keys": []})["Keys"].append(_key(model, hash_key, range_key))
    client, found = _first[0]._get_connection().connection.client, {}
    for _ in range(BATCH_ATTEMPTS):
        answer = client.batch_get_item(RequestItems=request)
        for table, items in answer.get("Responses", {}).items():
            for item in items:
                found[(table, *_identity(models[table], item))] = item
        request = answer.get("UnprocessedKeys") or {}
        if not request:
            break
    else:
        raise StoreUnavailable(ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}},
                                           "BatchGetItem"))
    return [model.from_raw_data(item) if (item := found.get((model.Meta.table_name, hash_key, range_key)))
            else None for model, hash_key, range_key in keys]


def _key(model: type[Model], hash_key: str, range_key: str | None) -> dict[str, Any]:
    key = {model._hash_key_attribute().attr_name: {"S": hash_key}}
    if range_key is not None:
        key[model._range_key_attribute().attr_name] = {"S": range_key}
    return key


def _identity(model: type[Model], item: dict[str, Any]) -> tuple[str, str | None]:
    range_attribute = model._range_key_attribute()
    return (item[model._hash_key_attribute().attr_name]["S"],
            item[range_attribute.attr_name]["S"] if range_attribute is not None else None)


def get_or_none[M: Model](model: type[M], hash_key: str, range_key: str | None = None, *,
                          consistent: bool = False) -> M | None:
    try:
        return model.get(hash_key, range_key, consistent_read=consistent)
    except DoesNotExist:
        return None
