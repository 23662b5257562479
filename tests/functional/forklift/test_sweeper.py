"""The hourly sweep: objects that no live file record names, older than an hour, go; listed
files and objects young enough to belong to an upload in progress stay."""
from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time

from chalicelib.core import clock, storage
from chalicelib.packaging.models import File
from tests import distributions as d
from tests.functional.forklift.test_upload import objects, upload


def test_unlisted_objects_older_than_an_hour_go(client, token):
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    assert upload(client, d.basic(token), d.sdist(), d.sdist_name())[0] == 200
    listed = sorted(objects())
    storage.put("packages/aa/bb/cc/orphan-1.0-py3-none-any.whl", b"left by a Lambda that died")
    sdist = File.get(d.sdist_name())
    sdist.update(actions=[File.project.remove()])  # a deleted file whose object removal failed

    young = client.lambda_.invoke("sweep_orphans", client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    assert young.payload is None and "packages/aa/bb/cc/orphan-1.0-py3-none-any.whl" in objects()

    with freeze_time(clock.now() + timedelta(hours=2)):
        response = client.lambda_.invoke("sweep_orphans", client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))  # as the schedule does
    assert response.payload is None
    assert sorted(objects()) == [key for key in listed if not key.startswith(sdist.path)]
    assert client.http.get("/" + File.get(d.wheel_name()).path).status_code == 302  # the listed wheel stays
