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

# The token; everything else the decision needs, in one batch (its owner and their address, the
# project, its name guard, whether the name came from the upstream, the role, the filename, the
# namespaces that could cover the name); the 2 objects; the transaction.
CALLS_IN_AN_UPLOAD = 5
# Then, the upload committed, its pages are built: the new project's (its head, the project, its
# files, the namespaces that could cover it, storing it) and the index's (its head, the projects,
# storing it).
CALLS_AFTER = 8


def consistent() -> None:
    """Every listed file has its bytes, its project and its release."""
    stored = set(objects())
    for item in File.scan():
        if item.project is None:
            continue
        assert item.path in stored and item.path + ".metadata" in stored
        assert Project.get(item.project) and Release.get(item.project, item.version)


def simple_page(client, path: str) -> str:
    response = client.http.get(path)
    assert response.status_code == 200, response.body
    return response.body.decode()


def test_an_upload_makes_the_store_calls_counted_here(client, token, monkeypatch):
    faults = Faults(monkeypatch)
    faults.arm(at=0, ambiguous=False)
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    assert len(faults.calls) == CALLS_IN_AN_UPLOAD + CALLS_AFTER, faults.calls
    assert faults.calls[:CALLS_IN_AN_UPLOAD] == ["GetItem", "BatchGetItem", "PutObject", "PutObject",
                                                 "TransactWriteItems"]  # two reads, one write


@pytest.mark.parametrize("ambiguous", [False, True], ids=["clean", "ambiguous"])
@pytest.mark.parametrize("at", range(1, CALLS_IN_AN_UPLOAD + CALLS_AFTER + 1))
def test_a_failure_at_each_store_call(client, token, monkeypatch, at, ambiguous):
    faults = Faults(monkeypatch)
    wheel = d.wheel()  # a retry sends the same bytes
    faults.arm(at, ambiguous)
    status, text = upload(client, d.basic(token), wheel, d.wheel_name())
    failed_call = faults.calls[at - 1]
    if at > CALLS_IN_AN_UPLOAD:  # building the pages, after the upload committed: the upload stands
        assert status == 200, (failed_call, status, text)
        faults.arm(at=0, ambiguous=False)
        consistent()
        assert d.wheel_name() in simple_page(client, "/simple/cheese-demo/")  # a page left stale is built
        assert "cheese-demo" in simple_page(client, "/simple/")
        return
    assert status == 503 and "temporarily unavailable" in text, (failed_call, status, text)
    consistent()

    faults.arm(at=0, ambiguous=False)
    retried = upload(client, d.basic(token), wheel, d.wheel_name())
    assert retried[0] == 200, retried
    consistent()
    assert [f.filename for f in File.scan()] == [d.wheel_name()]
    stored = File.get(d.wheel_name())
    assert sorted(objects()) == sorted([stored.path, stored.path + ".metadata"]), failed_call


def test_a_transaction_retried_after_it_committed_keeps_the_objects_it_lists(client, token, monkeypatch):
    """The SDK resends a transaction whose answer was lost; the second attempt's condition fails on
    the first one's write. The upload was listed: its objects must stay, whatever the store answered."""
    faults = Faults(monkeypatch)
    faults.arm(CALLS_IN_AN_UPLOAD, ambiguous=False, retried=True)
    status, text = upload(client, d.basic(token), d.wheel(), d.wheel_name())
    assert faults.calls[CALLS_IN_AN_UPLOAD - 1] == "TransactWriteItems"
    assert status == 200, text
    faults.arm(at=0, ambiguous=False)
    consistent()
    stored = File.get(d.wheel_name())
    assert sorted(objects()) == sorted([stored.path, stored.path + ".metadata"])
