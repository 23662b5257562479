"""One namespace for users and organizations: an organization claims its name here in the
transaction that makes it, on condition that no user has it, and a registration checks in its
own transaction that no organization claimed the username. Both touch both items, so two such
transactions at once cannot both succeed. The table is defined here."""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite


class ClaimedName(Model):
    class Meta:
        table_name = "claimed-names"

    name = UnicodeAttribute(hash_key=True)  # lower case, as usernames are kept
    by = UnicodeAttribute()  # what claimed it: "organization"


MODELS: tuple[type[Model], ...] = (ClaimedName,)


def claim(t: TransactWrite, name: str, by: str) -> None:
    t.save(ClaimedName(name.lower(), by=by), condition=ClaimedName.name.does_not_exist())


def unclaimed(t: TransactWrite, name: str) -> None:
    """A condition of the transaction: nothing claimed this name."""
    t.condition_check(ClaimedName, name.lower(), condition=ClaimedName.name.does_not_exist())


def release(t: TransactWrite, name: str) -> None:
    """Frees a name whose claimant is gone (an organization an administrator declined)."""
    t.delete(ClaimedName(name.lower()))
