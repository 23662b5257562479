from tests.functional.conftest import login, register


def test_register_verify_login_logout(browser, mailbox):
    register(browser)
    link = mailbox.last_link("alice@example.com", "/account/verify-email/")
    assert browser.get(link).status == 303
    login(browser)
    page = browser.get("/manage/account/")
    assert page.status == 200
    assert "alice@example.com" in page.text and "Verified" in page.text
    out = browser.post("/account/logout/", {}, csrf=page.csrf())
    assert out.status == 303
    assert browser.get("/manage/account/").status == 303
