"""The switches' cache (chalicelib.core.switches): the container that saves a change sees it at
once; another reads the table at most once every CACHE_FOR seconds."""
from __future__ import annotations

from freezegun import freeze_time

from chalicelib.core import switches


def test_a_saved_state_is_seen_at_once_here_and_within_the_cache_time_elsewhere(stores):
    with freeze_time("2026-12-01 10:00:00") as clock:
        assert switches.allowed(switches.Switch.PROJECTS)
        switches.Switches(switches.KEY, registrations=True, projects=False).save()  # another container's save
        assert switches.allowed(switches.Switch.PROJECTS)  # cached here
        clock.tick(switches.CACHE_FOR + 1)
        assert not switches.allowed(switches.Switch.PROJECTS)
        switches.remember(switches.State(registrations=False, projects=True))  # this container's own save
        assert switches.allowed(switches.Switch.PROJECTS) and not switches.allowed(switches.Switch.REGISTRATIONS)
