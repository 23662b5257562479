"""The download counters, one table keyed by the project's subject (a project deleted and made
again under its name starts from nothing):

- `d#<day>#<shard>`: a day's downloads of the project: `t` in all, `v:<version>` by version.
- `f#<day>#<filename>#<shard>`: a day's downloads of one file: `n`, and the file's `version`.
- `log#<object>` / `<chunk>`: a log object's counts were added (logs.py), so they never are twice.

Counts are added with DynamoDB's ADD to one of SHARDS items picked for each write: however
popular a file, no single item takes more than its share of the writes (an item takes about
1,000 writes a second; the shards are items of their own, which DynamoDB spreads apart when
they are hot). A read sums the shards: one query over a range of days."""
from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

SHARDS = 10


class Downloads(Model):
    """The counters' attributes (`t`, `v:<version>`, `n`) are written and read by the low-level
    client (counting, stats): their names are the versions and vary from item to item."""

    class Meta:
        table_name = "downloads"

    key = UnicodeAttribute(hash_key=True)  # the project's subject; a log marker's object
    slot = UnicodeAttribute(range_key=True)
    expires = TTLAttribute(null=True)  # log markers only: counters are kept


def day_slot(day: str, shard: int) -> str:
    return f"d#{day}#{shard}"


def file_slot(day: str, filename: str, shard: int) -> str:
    return f"f#{day}#{filename}#{shard}"


def day_slots(first: str, last: str) -> tuple[str, str]:
    """The range of slots of the days from first to last (YYYY-MM-DD), every shard."""
    return day_slot(first, 0)[:-1], day_slot(last, 0)[:-1] + "~"


def day_in(slot: str) -> str:
    return slot.split("#")[1]


def marker(source: str) -> str:
    return f"log#{source}"


MODELS: tuple[type[Model], ...] = (Downloads,)
