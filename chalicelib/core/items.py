"""Raw items: reads that skip pynamodb's model objects where building one per item costs more
than the answer (a project's thousands of files, a simple page's chunks), and the one place
that decodes such an item's attributes, by the model's own attribute types."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

Item = dict[str, dict[str, Any]]  # as DynamoDB answers: {"name": {"S": "value"}}


def query(model: type[Model], hash_key: str, *, index: str | None = None, attributes: Iterable[str] | None = None,
          range_key_condition: Condition | None = None) -> Iterator[Item]:
    """Every item under a hash key (of the table, or of one of its indexes), page after page."""
    table, start = model._get_connection(), None
    wanted = list(attributes) if attributes is not None else None
    while True:
        page = table.query(hash_key, range_key_condition=range_key_condition, index_name=index,
                           attributes_to_get=wanted, exclusive_start_key=start)
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def get(model: type[Model], hash_key: str, range_key: str | None = None, *,
        attributes: Iterable[str] | None = None) -> Item | None:
    wanted = list(attributes) if attributes is not None else None
    found: Item | None = model._get_connection().get_item(hash_key, range_key, attributes_to_get=wanted).get("Item")
    return found


def decode(model: type[Model], item: Item, names: Iterable[str]) -> dict[str, Any]:
    """The named attributes' values, as the model would hold them; a missing one is the
    attribute's default (None when it has none)."""
    attributes, values = model.get_attributes(), {}
    for name in names:
        attribute = attributes[name]
        raw = item.get(attribute.attr_name)
        if raw is None or "NULL" in raw:
            default = attribute.default
            values[name] = default() if callable(default) else default
        else:
            values[name] = attribute.deserialize(attribute.get_value(raw))
    return values
