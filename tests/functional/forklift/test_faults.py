"""A store call of the upload path fails, cleanly (the request never left) or ambiguously
(it was carried out but the answer was lost): the upload answers 503, no record is left
half-written and no listed file lacks its bytes; a retry then ends with exactly one record
and its objects."""
from __future__ import annotations

import pytest

from chalicelib.packaging.models import File, Project, Release
from tests import distributions as d
from tests.functional.conftest import Faults
from tests.functional.forklift.test_upload import objects, upload

CALLS_IN_AN_UPLOAD = 10  # token, user, its address, last use, project, name guard, file, 2 objects, the transaction


def consistent() -> None:
    """Every listed file has its bytes, its project and its release."""
    stored = set(objects())
    for item in File.scan():
        if item.project is None:
            continue
        assert item.path in stored and item.path + ".metadata" in stored
        assert Project.get(item.project) and Release.get(item.project, item.version)


def test_an_upload_makes_the_store_calls_counted_here(client, token, monkeypatch):
    faults = Faults(monkeypatch)
    faults.arm(at=0, ambiguous=False)
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    assert len(faults.calls) == CALLS_IN_AN_UPLOAD, faults.calls


@pytest.mark.parametrize("ambiguous", [False, True], ids=["clean", "ambiguous"])
@pytest.mark.parametrize("at", range(1, CALLS_IN_AN_UPLOAD + 1))
def test_a_failure_at_each_store_call(client, token, monkeypatch, at, ambiguous):
    faults = Faults(monkeypatch)
    wheel = d.wheel()  # a retry sends the same bytes
    faults.arm(at, ambiguous)
    status, text = upload(client, d.basic(token), wheel, d.wheel_name())
    failed_call = faults.calls[at - 1]
    if ambiguous and failed_call in ("UpdateItem",):  # the token's last use: not needed for the upload
        assert status in (200, 503), text
    else:
        assert status == 503 and "temporarily unavailable" in text, (failed_call, status, text)
    consistent()

    faults.arm(at=0, ambiguous=False)
    retried = upload(client, d.basic(token), wheel, d.wheel_name())
    assert retried[0] == 200, retried
    consistent()
    assert [f.filename for f in File.scan()] == [d.wheel_name()]
    stored = File.get(d.wheel_name())
    assert sorted(objects()) == sorted([stored.path, stored.path + ".metadata"]), failed_call
