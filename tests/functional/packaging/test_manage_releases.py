"""Yank, un-yank and deletion by an Owner, as installers and uploaders then see the index."""
from __future__ import annotations

import json

from chalicelib.packaging.models import File
from tests import distributions as d
from tests.functional.forklift.test_upload import objects, upload
from tests.functional.packaging.conftest import PROJECT, user
from tests.functional.web.test_error_summary import summary_links

JSON = "application/vnd.pypi.simple.v1+json"


def post(browser, path: str, data: dict[str, str]):
    return browser.post(PROJECT + path, data, csrf=browser.get("/manage/account/").csrf())


def simple(client, accept: str = "text/html") -> str:
    return client.http.get("/simple/cheese-demo/", headers={"accept": accept}).body.decode()


def test_yank_and_unyank(client, alice, published):
    tag = client.http.get("/simple/cheese-demo/").headers["ETag"]
    done = post(alice, "releases/yank/", {"version": "1.0", "reason": "broken <build>"})
    assert done.location == PROJECT + "releases/?notice=release-yanked"
    assert simple(client).count('data-yanked="broken &lt;build&gt;"') == 2
    assert {f["yanked"] for f in json.loads(simple(client, JSON))["files"]} == {"broken <build>"}
    api = json.loads(client.http.get("/pypi/cheese-demo/json").body)
    assert api["urls"][0]["yanked"] is True and api["urls"][0]["yanked_reason"] == "broken <build>"
    assert client.http.get("/simple/cheese-demo/").headers["ETag"] != tag
    page = client.http.get("/project/cheese-demo/").body.decode()
    assert "(yanked: broken &lt;build&gt;)" in page
    assert "Un-yank" in alice.get(PROJECT + "releases/").text

    assert post(alice, "releases/unyank/", {"version": "1.0"}).status == 303
    assert "data-yanked" not in simple(client)


def test_a_yank_reason_has_a_limit(client, alice, published):
    refused = post(alice, "releases/yank/", {"version": "1.0", "reason": "x" * 501})
    assert refused.status == 400 and "under 500 characters" in refused.text
    assert "data-yanked" not in simple(client)


def test_delete_a_file(client, alice, published, token, mailbox):
    wheel = File.get(d.wheel_name())
    assert post(alice, "files/delete/", {"filename": d.wheel_name()}).location == \
        PROJECT + "releases/?notice=file-deleted"
    assert d.wheel_name() not in simple(client) and d.sdist_name() in simple(client)
    assert client.http.get("/" + wheel.path).status_code == 404
    assert wheel.path not in objects() and wheel.path + ".metadata" not in objects()
    status, text = upload(client, d.basic(token), d.wheel(), d.wheel_name())
    assert status == 400 and "belonged to a file that was deleted" in text
    told = mailbox.to("alice@example.com")[-1].get_body(preferencelist=("plain",)).get_content()
    assert f"alice deleted the file {d.wheel_name()}" in told


def test_delete_a_release(client, alice, published):
    assert post(alice, "releases/delete/", {"version": "1.0"}).status == 303
    assert "cheese" not in simple(client).split("<body>")[-1].replace("cheese-demo</h1>", "")
    assert json.loads(client.http.get("/pypi/cheese-demo/json").body)["releases"] == {}
    assert client.http.get("/pypi/cheese-demo/1.0/json").status_code == 404
    assert [k for k in objects() if k.startswith("packages/")] == []


def test_delete_the_project_after_typing_its_name(client, mailbox, alice, published, token, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_DELETED_NAME_HOLD", "0")  # no hold: the name is free at once
    wrong = post(alice, "delete/", {"confirm_name": "cheese"})
    assert wrong.status == 400 and "Type the project name, cheese-demo, to confirm." in wrong.text
    assert client.http.get("/simple/cheese-demo/").status_code == 200

    assert post(alice, "delete/", {"confirm_name": "Cheese_Demo"}).location == \
        "/manage/projects/?notice=project-deleted"
    assert client.http.get("/simple/cheese-demo/").status_code == 404
    assert "cheese-demo" not in client.http.get("/simple/").body.decode()
    assert alice.get(PROJECT).status == 404
    assert [k for k in objects() if k.startswith("packages/")] == []

    bob = user(client, mailbox, "bob")  # the name is free again, for anyone; the old filenames are not
    from tests.functional.conftest import make_token
    theirs = make_token(bob)
    status, text = upload(client, d.basic(theirs), d.wheel(), d.wheel_name())
    assert status == 400 and "belonged to a file that was deleted" in text
    assert upload(client, d.basic(theirs), d.wheel(version="2.0"), d.wheel_name(version="2.0"),
                  version="2.0")[0] == 200
    assert bob.get(PROJECT).status == 200
    assert "Project deleted" not in bob.get(PROJECT + "history/").text  # a new project, a new history


def test_deleting_needs_sudo(frozen, client, alice, published):
    frozen.tick(16 * 60)
    refused = post(alice, "files/delete/", {"filename": d.wheel_name()})
    assert refused.location == "/account/reauthenticate/?next=/manage/project/cheese-demo/releases/"
    assert d.wheel_name() in simple(client)


def test_a_maintainer_is_not_offered_yank_or_delete(client, alice, published, member):
    bob = member("bob", "Maintainer")
    page = bob.get(PROJECT).text
    assert "Delete project" not in page and "Releases" not in page and "Leave cheese-demo" in page
    assert "Manage project" in bob.get("/project/cheese-demo/").text


def test_the_newest_release_that_is_not_yanked_heads_the_page(client, alice, published, token):
    assert upload(client, d.basic(token), d.wheel(version="2.0"), d.wheel_name(version="2.0"), version="2.0")[0] == 200
    assert "<h1>cheese-demo 2.0</h1>" in client.http.get("/project/cheese-demo/").body.decode()
    post(alice, "releases/yank/", {"version": "2.0", "reason": ""})
    page = client.http.get("/project/cheese-demo/").body.decode()
    assert "<h1>cheese-demo 1.0</h1>" in page and "2.0</a> <span class=\"yanked\">(yanked)</span>" in page


def test_an_error_on_one_release_of_many_links_to_its_own_field(client, alice, published):
    refused = post(alice, "releases/yank/", {"version": "1.0", "reason": "x" * 600})
    assert refused.status == 400
    assert set(summary_links(refused.text)) == {"reason"}
    assert refused.text.count('id="reason"') == 1


def test_an_upload_racing_a_deletion_lists_nothing(client, alice, published, token, monkeypatch):
    """The upload reads the project, the project is deleted (and made again by its Owner), then
    the upload's transaction arrives: refused, nothing listed, no object left."""
    from chalicelib.core.origin import Origin
    from chalicelib.forklift import access
    from chalicelib.packaging import catalog, retraction
    from chalicelib.packaging.views_manage import project_dependents

    real = access.authorize

    def authorize_then_delete(*args, **kwargs):
        answer = real(*args, **kwargs)
        monkeypatch.setattr(access, "authorize", real)  # once
        retraction.delete_project("alice", catalog.project("cheese-demo"), "cheese-demo", Origin(),
                              dependents=project_dependents())
        assert upload(client, d.basic(token), d.sdist(version="9.0"), d.sdist_name(version="9.0"),
                      version="9.0")[0] == 200  # its Owner makes it again meanwhile (no longer racing)
        return answer

    monkeypatch.setattr(access, "authorize", authorize_then_delete)
    status, text = upload(client, d.basic(token), d.wheel(version="2.0"), d.wheel_name(version="2.0"), version="2.0")
    assert status == 409, text
    assert [f.filename for f in File.by_project.query("cheese-demo")] == [d.sdist_name(version="9.0")]
    assert sorted(k.rsplit("/", 1)[1] for k in objects()) == [d.sdist_name(version="9.0")]


def test_a_project_being_deleted_takes_no_upload(client, alice, published, token):
    from datetime import UTC, datetime

    from chalicelib.packaging.models import Project

    Project.get("cheese-demo").update(actions=[Project.deleting.set(datetime.now(UTC))])
    status, text = upload(client, d.basic(token), d.wheel(version="2.0"), d.wheel_name(version="2.0"), version="2.0")
    assert status == 409 and "is being deleted" in text
