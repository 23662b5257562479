"""The publishing pages: a project's publishers (Owners only, sudo mode) and pending ones that
create their project with the first token."""
from __future__ import annotations

from freezegun import freeze_time

from chalicelib.packaging.permissions import RoleName, role_of
from tests import distributions as d
from tests.functional.conftest import enroll_totp
from tests.functional.forklift.test_upload import upload
from tests.functional.oidc.conftest import add_publisher, code_of, mint
from tests.functional.web.test_error_summary import summary_links

PENDING = "/manage/account/publishing/"


def add_pending(browser, project: str = "brand-new", kind: str = "github", **fields: str):
    defaults = ({"github-owner": "octo-org", "github-repository": "spam", "github-workflow": "release.yml"}
                if kind == "github" else
                {"gitlab-namespace": "cheese-group", "gitlab-project": "spam", "gitlab-pipeline": ".gitlab-ci.yml"})
    page = browser.get(PENDING)
    assert page.status == 200, page.text
    return browser.post(f"{PENDING}{kind}/", {"project_name": project, **defaults, **fields}, csrf=page.csrf())


def test_only_owners_see_the_publishing_page(client, alice, published, member, issuer):
    bob = member("bob", "Maintainer")
    assert bob.get("/manage/project/cheese-demo/publishing/").status == 404
    page = bob.get("/manage/project/cheese-demo/publishing/")
    refused = bob.post("/manage/project/cheese-demo/publishing/github/",
                       {"github-owner": "bob", "github-repository": "x", "github-workflow": "x.yml"}, csrf=page.csrf())
    assert refused.status == 404
    assert "Publishing" in alice.get("/manage/project/cheese-demo/").text
    assert "Publishing" not in bob.get("/manage/project/cheese-demo/").text


def test_adding_a_publisher_needs_sudo(frozen, client, alice, published, issuer):
    frozen.tick(16 * 60)
    shown = alice.get("/manage/project/cheese-demo/publishing/")
    assert shown.status == 303 and shown.location.startswith("/account/reauthenticate/")


def test_fields_are_checked_and_errors_tied_to_them(client, alice, published, issuer):
    refused = add_publisher(alice, **{"github-owner": "-bad owner-", "github-workflow": "../x.sh"})
    assert refused.status == 400
    assert set(summary_links(refused.text)) == {"github-owner", "github-workflow"}
    assert add_publisher(alice).status == 303
    again = add_publisher(alice, **{"github-owner": "OCTO-ORG"})  # the same publisher, spelled otherwise
    assert again.status == 400 and "This publisher is already registered." in again.text


def test_removing_a_publisher_stops_new_tokens_and_is_mailed(client, alice, published, issuer, mailbox):
    add_publisher(alice)
    page = alice.get("/manage/project/cheese-demo/publishing/")
    publisher_id = page.text.split('name="publisher" value="')[1].split('"')[0]
    removed = alice.post("/manage/project/cheese-demo/publishing/remove/", {"publisher": publisher_id},
                         csrf=page.csrf())
    assert removed.status == 303
    text = mailbox.to("alice@example.com")[-1].get_body(preferencelist=("plain",)).get_content()
    assert "alice removed a trusted publisher" in " ".join(text.split())
    assert code_of(mint(client, issuer.github_token())[1]) == "invalid-publisher"
    assert "Trusted publisher removed" in alice.get("/manage/project/cheese-demo/history/").text


def test_a_pending_publisher_creates_its_project_with_the_first_token(client, alice, issuer, mailbox):
    enroll_totp(alice)
    assert add_pending(alice).status == 303
    told = mailbox.to("alice@example.com")[-1]
    assert told["Subject"] == "A pending trusted publisher changed on your cheeseshop account"
    assert "create the project “brand-new”" in " ".join(told.get_body(preferencelist=("plain",)).get_content().split())
    assert "brand-new" in alice.get(PENDING).text
    status, answer = mint(client, issuer.github_token())
    assert status == 200, answer
    assert role_of("alice", "brand-new") is RoleName.OWNER
    assert upload(client, f"token {answer['token']}", d.wheel("brand-new"), d.wheel_name("brand-new"),
                  name="brand-new")[0] == 200
    assert "brand-new" not in alice.get(PENDING).text  # now the project's own publisher
    assert "octo-org/spam" in alice.get("/manage/project/brand-new/publishing/").text
    history = alice.get("/manage/project/brand-new/history/").text
    assert "Project created by a pending trusted publisher" in history


def test_a_pending_publisher_needs_a_free_name_and_two_factor(client, alice, published, issuer):
    refused = add_pending(alice, project="cheese-demo")
    assert refused.status == 400 and "A project has this name already." in refused.text
    assert add_pending(alice, project="Cheese_Demo").status == 400
    assert add_pending(alice, project="json").status == 400  # a standard library module


def test_without_two_factor_the_pending_page_sends_to_the_account(client, alice, issuer):
    assert alice.get(PENDING).location == "/manage/account/?notice=two-factor-required"


def test_a_pending_publisher_expires_after_30_days(client, alice, issuer):
    enroll_totp(alice)
    add_pending(alice)
    with freeze_time("2099-01-01"):
        from chalicelib.oidc.pending import of_user as pending_of

        assert pending_of("alice") == []
    import datetime

    from chalicelib.oidc.models import Publisher

    for item in Publisher.by_project.query("pending:alice"):
        item.update(actions=[Publisher.expires.set(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))])
    assert code_of(mint(client, issuer.github_token())[1]) == "invalid-pending-publisher"


def test_a_name_taken_meanwhile_refuses_the_pending_publisher(client, alice, issuer, token):
    add_pending(alice, project="cheese-demo")
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200  # someone's upload takes it
    status, answer = mint(client, issuer.github_token())
    assert status == 422 and code_of(answer) == "invalid-pending-publisher"


def test_a_gitlab_pending_publisher(client, alice, issuer):
    enroll_totp(alice)
    refused = add_pending(alice, kind="gitlab", **{"gitlab-pipeline": "/etc/passwd"})
    assert refused.status == 400 and set(summary_links(refused.text)) == {"gitlab-pipeline"}
    assert add_pending(alice, kind="gitlab").status == 303


def test_halted_new_projects_and_prohibited_names_refuse_pending_publishers(client, alice, issuer):
    from chalicelib.admin import site
    from chalicelib.core.origin import Origin
    from chalicelib.packaging.models import Project

    enroll_totp(alice)
    assert add_pending(alice).status == 303  # registered before the halt
    site.prohibit("root", "Evil.Pkg", "Typosquat", Origin())
    refused = add_pending(alice, project="evil_pkg")
    assert refused.status == 400 and "This name is prohibited on this index." in refused.text
    site.set_switches("root", registrations=True, projects=False, private=False, review_organizations=False,
                      origin=Origin())
    refused = add_pending(alice, project="other-new")
    assert refused.status == 400 and "New projects cannot be created right now." in refused.text
    status, answer = mint(client, issuer.github_token())
    assert status == 422 and code_of(answer) == "invalid-pending-publisher"
    assert "new projects cannot be created" in answer["errors"][0]["description"]
    assert Project.count("brand-new") == 0
    site.set_switches("root", registrations=True, projects=True, private=False, review_organizations=False,
                      origin=Origin())
    assert mint(client, issuer.github_token())[0] == 200


def test_a_suspended_users_pending_publisher_creates_nothing(client, alice, issuer):
    from chalicelib.admin import users
    from chalicelib.core.origin import Origin
    from chalicelib.packaging.models import Project

    enroll_totp(alice)
    assert add_pending(alice).status == 303
    users.suspend("root", "alice", "Spam", Origin())
    status, answer = mint(client, issuer.github_token())
    assert status == 422 and "suspended" in answer["errors"][0]["description"]
    assert Project.count("brand-new") == 0


def test_a_project_made_by_a_pending_publisher_announces_its_pages_as_an_upload_does(client, alice, issuer,
                                                                                      monkeypatch):
    from chalicelib.packaging import pages

    enroll_totp(alice)
    add_pending(alice)
    refreshed = []
    real = pages.refresh
    monkeypatch.setattr(pages, "refresh", lambda page, also=(): (refreshed.append(page), real(page, also)))
    assert mint(client, issuer.github_token())[0] == 200
    assert sorted(refreshed) == ["/", "brand-new"]  # its page and the index's, built and forgotten by the CDN
    assert "brand-new" in client.http.get("/simple/").body.decode()
