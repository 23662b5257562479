"""Project status (PEP 792): an administrator's quarantine and release, an owner's archive;
prohibited names in every spelling; an administrator's deletion."""
from __future__ import annotations

import json

from chalicelib.admin.models import AdminAction
from chalicelib.packaging.models import File, Project
from tests import distributions as d
from tests.functional.admin.conftest import act
from tests.functional.forklift.test_upload import objects, upload_wheel

PROJECT = "/manage/project/cheese-demo/"
JSON = {"accept": "application/vnd.pypi.simple.v1+json"}


def simple(client, name: str = "cheese-demo", headers: dict[str, str] | None = None):
    return client.http.get(f"/simple/{name}/", headers=headers or {})


def quarantine(root, reason: str = "Malware in setup.py"):
    return act(root, "/admin/projects/cheese-demo/", "/admin/projects/cheese-demo/quarantine/", {"reason": reason})


def test_quarantine_offers_nothing_to_installers_and_freezes_the_project_until_released(
        client, mailbox, root, alice, published, token):
    path = File.get(d.wheel_name()).path
    assert client.http.get("/" + path).status_code == 302
    assert quarantine(root).status == 303
    listing = json.loads(simple(client, headers=JSON).body)
    assert listing["meta"]["api-version"] == "1.4"
    assert listing["project-status"] == {"status": "quarantined", "reason": "Malware in setup.py"}
    assert listing["files"] == [] and listing["versions"] == []
    page = simple(client).body.decode()
    assert '<meta name="pypi:project-status" content="quarantined">' in page and "cheese_demo" not in page
    assert client.http.get("/" + path).status_code == 404 and client.http.get(f"/{path}.metadata").status_code == 404
    assert json.loads(client.http.get("/pypi/cheese-demo/json").body)["urls"] == []
    assert "This project is quarantined" in alice.get("/project/cheese-demo/").text
    # Uploads, yanking and deleting are refused; the files stay stored as evidence.
    status, text = upload_wheel(client, token, version="2.0")
    assert status == 400 and "is quarantined" in text
    deleted = act(alice, PROJECT, PROJECT + "delete/", {"confirm_name": "cheese-demo"})
    assert deleted.status == 409 and "quarantined" in deleted.text
    yanked = act(alice, PROJECT + "releases/", PROJECT + "releases/yank/", {"version": "1.0", "reason": "x"})
    assert yanked.status == 409 and not File.get(d.wheel_name()).yanked
    assert path in objects() and Project.get("cheese-demo").status == "quarantined"
    assert "quarantined" in mailbox.to("alice@example.com")[-1].get_body(("plain",)).get_content()
    assert "Project quarantined by an administrator" in alice.get(PROJECT + "history/").text

    released = act(root, "/admin/projects/cheese-demo/", "/admin/projects/cheese-demo/release/",
                   {"reason": "False alarm"})
    assert released.status == 303
    listing = json.loads(simple(client, headers=JSON).body)
    assert listing["project-status"] == {"status": "active"} and len(listing["files"]) == 2
    assert client.http.get("/" + path).status_code == 302
    assert [(e.action, e.target, e.reason) for e in AdminAction.query("log")][1:] == [
        ("admin:project:quarantine", "cheese-demo", "Malware in setup.py"),
        ("admin:project:release", "cheese-demo", "False alarm")]


def test_an_archived_project_is_archived_again_once_released(client, mailbox, root, alice, published):
    assert act(alice, PROJECT, PROJECT + "archive/", {}).status == 303
    assert quarantine(root).status == 303
    released = act(root, "/admin/projects/cheese-demo/", "/admin/projects/cheese-demo/release/", {"reason": "x"})
    assert released.status == 303
    listing = json.loads(simple(client, headers=JSON).body)
    assert listing["project-status"] == {"status": "archived"} and len(listing["files"]) == 2
    stored = Project.get("cheese-demo")
    assert stored.status == "archived" and stored.status_before is None
    assert "archived" in mailbox.to("alice@example.com")[-1].get_body(("plain",)).get_content()


def test_a_quarantine_needs_a_reason_and_changes_the_etag(client, mailbox, root, published):
    before = simple(client).headers["ETag"]
    assert quarantine(root, reason="").status == 400
    assert Project.get("cheese-demo").status is None
    assert quarantine(root).status == 303
    assert simple(client).headers["ETag"] != before


def test_owners_archive_their_project_which_stays_installable_but_takes_no_uploads(
        client, mailbox, alice, published, token):
    assert act(alice, PROJECT, PROJECT + "archive/", {}).status == 303
    listing = json.loads(simple(client, headers=JSON).body)
    assert listing["project-status"] == {"status": "archived"} and len(listing["files"]) == 2
    assert '<meta name="pypi:project-status" content="archived">' in simple(client).body.decode()
    status, text = upload_wheel(client, token, version="2.0")
    assert status == 400 and "The project 'cheese-demo' is archived" in text
    assert "This project is archived" in alice.get("/project/cheese-demo/").text
    assert act(alice, PROJECT, PROJECT + "unarchive/", {}).status == 303
    assert upload_wheel(client, token, version="2.0")[0] == 200
    history = alice.get(PROJECT + "history/").text
    assert "Project archived" in history and "Project unarchived" in history


def test_maintainers_may_not_archive(client, mailbox, member):
    bob = member("bob", "Maintainer")
    assert bob.post(PROJECT + "archive/", {}, csrf=bob.get(PROJECT).csrf()).status == 404
    assert Project.get("cheese-demo").status is None


def test_a_prohibited_name_is_refused_in_every_spelling(client, mailbox, root, token):
    done = act(root, "/admin/prohibited-names/", "/admin/prohibited-names/",
               {"name": "Evil.Pkg", "reason": "Typosquat of a popular project"})
    assert done.status == 303
    for name in ("evil-pkg", "Evil_Pkg", "EVILPKG", "evil.pkg", "evi1-pkg", "EVIL_PKG", "evII.pkg"):
        status, text = upload_wheel(client, token, name)
        assert status == 400 and "prohibited" in text, name
    assert objects() == [] and File.count() == 0
    again = act(root, "/admin/prohibited-names/", "/admin/prohibited-names/", {"name": "evil_pkg", "reason": "x"})
    assert again.status == 400 and "already prohibited" in again.text
    listing = root.get("/admin/prohibited-names/").text
    assert "Evil.Pkg" in listing and "Typosquat of a popular project" in listing


def test_an_administrator_deletes_a_quarantined_project_and_its_prohibited_name_stays_prohibited(
        client, mailbox, root, published, token):
    assert quarantine(root).status == 303
    assert act(root, "/admin/prohibited-names/", "/admin/prohibited-names/",
               {"name": "cheese-demo", "reason": "Malware"}).status == 303
    wrong = act(root, "/admin/projects/cheese-demo/", "/admin/projects/cheese-demo/delete/",
                {"confirm_name": "cheese", "delete_reason": "Malware"})
    assert wrong.status == 400 and Project.count() >= 2
    done = act(root, "/admin/projects/cheese-demo/", "/admin/projects/cheese-demo/delete/",
               {"confirm_name": "cheese-demo", "delete_reason": "Malware confirmed"})
    assert done.status == 303
    assert client.http.get("/simple/cheese-demo/").status_code == 404 and objects() == []
    status, text = upload_wheel(client, token, version="9.0")
    assert status == 400 and "prohibited" in text
    log = root.get("/admin/log/").text
    assert "Deleted a project" in log and "Malware confirmed" in log and "root" in log


def test_guards_and_prohibitions_made_under_the_older_folding_move_to_todays_keys(client, mailbox, root, token):
    from chalicelib.admin import migrations
    from chalicelib.admin.models import ProhibitedName
    from chalicelib.packaging.models import Project

    assert upload_wheel(client, token, "lodash-x")[0] == 200
    for item in Project.scan(Project.name.startswith("ultra:")):  # as older code keyed them
        item.delete()
    Project("ultra:lodashx").save()
    Project("ultra:evilpkg", prohibited="Typosquat").save()
    ProhibitedName("prohibited", "evilpkg", display_name="evil-pkg", reason="Typosquat", prohibited_by="root",
                   created_at=Project.get("lodash-x").created_at).save()
    assert migrations.name_guards() == 3 and migrations.name_guards() == 0
    assert upload_wheel(client, token, "l0dash-x")[0] == 400  # too similar, found under today's key
    status, text = upload_wheel(client, token, "evi1-pkg")
    assert status == 400 and "prohibited" in text
    assert [p.name for p in ProhibitedName.query("prohibited")] == ["ev11pkg"]


def test_quarantine_hides_the_description_urls_and_metadata_everywhere(client, mailbox, root, alice, published,
                                                                        token):
    from tests.functional.forklift.test_upload import upload

    extra = "Summary: Payload dropper\nProject-URL: Homepage, https://evil.example/\n\nREADME BODY TEXT\n"
    wheel = d.wheel(version="2.0", metadata=d.core_metadata("cheese-demo", "2.0", extra=extra))
    assert upload(client, d.basic(token), wheel, d.wheel_name(version="2.0"), version="2.0")[0] == 200
    assert "README BODY TEXT" in client.http.get("/project/cheese-demo/").body.decode()
    assert quarantine(root).status == 303
    shown = [client.http.get(path).body.decode() for path in (
        "/project/cheese-demo/", "/pypi/cheese-demo/json", "/rss/updates.xml", "/rss/packages.xml",
        "/rss/project/cheese-demo/releases.xml")]
    for text in shown:
        assert not any(secret in text for secret in ("README BODY TEXT", "evil.example", "Payload dropper"))
    assert json.loads(shown[1])["releases"] == {}
    assert client.http.get("/project/cheese-demo/2.0/").status_code == 404
    assert client.http.get("/pypi/cheese-demo/2.0/json").status_code == 404
    assert "This project is quarantined" in shown[0]
