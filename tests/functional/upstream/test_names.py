"""Who may make a project under a name: a PEP 752 namespace keeps everyone but its holders out
(409, and the admin log says so), unless the grant is open; a name that came from the upstream
is nobody's here until an administrator allows it (403). Tried by upload, by a pending trusted
publisher and on an organization's page."""
from __future__ import annotations

from chalicelib.admin import upstream as rules
from chalicelib.admin.models import AdminAction
from chalicelib.core.origin import Origin
from chalicelib.packaging.models import Project
from tests import distributions as d
from tests.functional.admin.conftest import act
from tests.functional.conftest import make_token
from tests.functional.forklift.test_upload import upload_wheel
from tests.functional.oidc.test_publishers import add_pending
from tests.functional.organizations.conftest import MANAGE
from tests.functional.packaging.conftest import user
from tests.functional.upstream.conftest import get


def logged() -> list[str]:
    return [a.action for a in AdminAction.query("log")]


def test_a_namespace_of_an_organization_keeps_others_out(client, mailbox, owner, token):
    rules.grant_namespace("root", "acme", "acme", False, Origin())
    bob = make_token(user(client, mailbox, "bob"), "bobs")
    for name in ("acme", "acme-tools", "Acme.Cloud"):
        status, text = upload_wheel(client, bob, name=name)
        assert status == 409 and "is in the namespace 'acme', reserved for acme" in text, name
    assert logged()[-1] == "namespace:upload:refused"
    assert upload_wheel(client, bob, name="acmes")[0] == 200  # not acme, not acme-*
    assert upload_wheel(client, token, name="acme-tools")[0] == 200  # alice is a member of acme
    made = act(owner, MANAGE, MANAGE + "projects/", {"project": "acme-cli"})
    assert made.status == 303  # the organization's own page too


def test_a_namespace_of_users_and_an_open_one(client, mailbox, alice, token):
    bob_browser = user(client, mailbox, "bob")
    bob = make_token(bob_browser, "bobs")
    rules.grant_namespace("root", "brie", "bob", False, Origin())
    assert upload_wheel(client, token, name="brie-x")[0] == 409
    assert upload_wheel(client, bob, name="brie-x")[0] == 200
    rules.grant_namespace("root", "gouda", "bob", True, Origin())
    assert upload_wheel(client, token, name="gouda-x")[0] == 200  # open: anyone may


def test_a_pending_publisher_cannot_claim_a_name_in_someone_elses_namespace(client, mailbox, alice, token):
    user(client, mailbox, "bob")
    rules.grant_namespace("root", "acme", "bob", False, Origin())
    refused = add_pending(alice, project="acme-new")
    assert refused.status == 400 and "reserved for bob" in refused.text


def test_a_name_from_the_upstream_is_nobodys_here_until_an_administrator_allows_it(client, upstream, token):
    upstream.add("gouda", "gouda-1.0-py3-none-any.whl", d.wheel("gouda", "1.0"))
    assert get(client, "/simple/gouda/").status_code == 200
    status, text = upload_wheel(client, token, name="gouda", version="2.0")
    assert status == 403 and "comes from the upstream index" in text
    assert Project.count("gouda") == 0 and logged()[-1] == "upstream:upload:refused"
    rules.allow_local("root", "Gouda", Origin())
    assert upload_wheel(client, token, name="gouda", version="2.0")[0] == 200
    assert [f["filename"] for f in get(client, "/simple/gouda/").json_body["files"]] == \
        ["gouda-2.0-py3-none-any.whl"]  # local now: the upstream's files are gone from the page


def test_administrators_keep_the_rules_on_one_page_and_each_change_is_logged(client, mailbox, root, alice):
    page = "/admin/upstream/"
    assert root.get(page).status == 200
    assert alice.get(page).status == 404  # not an administrator
    for change, data in (("grant", {"prefix": "acme", "owners": "alice", "open": "on"}),
                         ("block", {"requirement": "evil>=1.0", "reason": "Malware"}),
                         ("cooldown", {"days": "3", "exempt": "urllib3, certifi"})):
        assert act(root, page, page + change + "/", data).status == 303, change
    shown = root.get(page).text
    assert "acme" in shown and "evil&gt;=1.0" in shown and "Malware" in shown and 'value="certifi urllib3"' in shown
    for change, data, message in (("grant", {"prefix": "acme", "owners": "alice"}, "granted already"),
                                  ("grant", {"prefix": "beta", "owners": "nobody-here"}, "Name one organization"),
                                  ("block", {"requirement": "evil; os_name=='nt'", "reason": "x"}, "version specifier"),
                                  ("cooldown", {"days": "-1", "exempt": ""}, "whole number of days"),
                                  ("allow", {"name": "never-seen"}, "No name of this spelling")):
        refused = act(root, page, page + change + "/", data)
        assert refused.status == 400 and message in refused.text, change
    assert act(root, page, page + "unblock/", {"requirement": "evil>=1.0"}).status == 303
    assert act(root, page, page + "revoke/", {"prefix": "acme"}).status == 303
    assert logged()[-5:] == ["admin:namespace:grant", "admin:upstream:block", "admin:upstream:cooldown",
                             "admin:upstream:unblock", "admin:namespace:revoke"]


def test_the_json_api_names_a_projects_namespace_as_pep_752_does(client, mailbox, owner, token):
    bob = make_token(user(client, mailbox, "bob"), "bobs")
    rules.grant_namespace("root", "acme", "acme", True, Origin())  # open: bob may publish too
    assert act(owner, MANAGE, MANAGE + "projects/", {"project": "acme-cli"}).status == 303
    assert upload_wheel(client, token, name="acme-cli")[0] == 200
    assert upload_wheel(client, bob, name="acme-fan")[0] == 200
    assert upload_wheel(client, bob, name="gouda")[0] == 200
    official = client.http.get("/pypi/acme-cli/json").json_body
    assert official["namespace"] == {"prefix": "acme", "open": True, "authorized": True}
    assert client.http.get("/pypi/acme-fan/json").json_body["namespace"]["authorized"] is False
    assert "namespace" not in client.http.get("/pypi/gouda/json").json_body
    simple = client.http.get("/simple/acme-cli/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    assert simple.json_body["namespace"] == {"prefix": "acme", "open": True, "authorized": True}
    rules.revoke_namespace("root", "acme", Origin())  # the pages it covered are built again without it
    simple = client.http.get("/simple/acme-cli/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    assert "namespace" not in simple.json_body and "namespace" not in client.http.get("/pypi/acme-cli/json").json_body
