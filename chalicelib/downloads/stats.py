"""A project's downloads as pages and the JSON API read them: per day (and by version) over the
last days, and the totals of the last day, week and month. One query, whatever the shards."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import NamedTuple

from chalicelib.core import clock, items
from chalicelib.downloads.models import Downloads, day_in, day_slots

WINDOW = 90  # days the statistics page shows


class Day(NamedTuple):
    day: str  # YYYY-MM-DD, UTC
    total: int
    versions: dict[str, int]

    @property
    def when(self) -> date:
        return date.fromisoformat(self.day)

    def of(self, version: str | None) -> int:
        """The day's downloads of one version, or of all (None)."""
        return self.total if version is None else self.versions.get(version, 0)


class Recent(NamedTuple):
    """As PyPI's JSON API once gave them: today (UTC) so far, the last 7 days and the last 30 (today included)."""
    last_day: int
    last_week: int
    last_month: int


def days(project: str, count: int = WINDOW, today: date | None = None) -> list[Day]:
    """Each of the last `count` days, oldest first (days without downloads too), summing the shards."""
    last = today or clock.now().date()
    first = last - timedelta(days=count - 1)
    totals: Counter[str] = Counter()
    versions: dict[str, Counter[str]] = {}
    condition = Downloads.slot.between(*day_slots(first.isoformat(), last.isoformat()))
    for item in items.query(Downloads, project, range_key_condition=condition):
        day = day_in(item["slot"]["S"])
        totals[day] += int(item.get("t", {}).get("N", 0))
        by_version = versions.setdefault(day, Counter())
        for name, value in item.items():
            if name.startswith("v:"):
                by_version[name[2:]] += int(value["N"])
    every = (first + timedelta(days=n) for n in range(count))
    return [Day(d.isoformat(), totals[d.isoformat()], dict(versions.get(d.isoformat(), {}))) for d in every]


def recent(project: str, today: date | None = None) -> Recent:
    return summary(days(project, 30, today))


def summary(found: list[Day]) -> Recent:
    """The last day, week and month of days ending today (oldest first)."""
    return Recent(sum(d.total for d in found[-1:]), sum(d.total for d in found[-7:]),
                  sum(d.total for d in found[-30:]))


def by_version(found: list[Day]) -> list[tuple[str, int]]:
    """Each version's downloads over these days, most downloaded first."""
    totals: Counter[str] = Counter()
    for day in found:
        totals.update(day.versions)
    return sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))
