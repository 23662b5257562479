"""The pages people read, in Chromium against `make run`: a project page showing what its
METADATA says (license expression, Requires-Python, Project-URLs, classifiers), a "Copy" button
that puts the install command on the clipboard from the keyboard and says "Copied", the release
history with dates and a yanked release's reason, the user's page; no horizontal scrolling from
360 px to 1280 px, and axe finds nothing on these pages in all three languages; downloads by pip
counted, on the project page and in the statistics page's chart and table."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from tests import distributions as d
from tests.e2e.conftest import own_site
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_account_journey import signed_up
from tests.e2e.test_publish_and_install import make_token, twine

NAME = "cheese-pages"
METADATA = """Summary: Pages of cheese
License-Expression: MIT OR Apache-2.0
Requires-Python: >=3.10
Project-URL: Homepage, https://example.org/pages
Project-URL: Source, https://example.org/pages/src
Project-URL: Issues, https://example.org/pages/issues
Classifier: Programming Language :: Python :: 3
Classifier: Programming Language :: Python :: 3.12
Classifier: Topic :: Software Development
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from own_site(tmp_path_factory)


def wheels(tmp_path) -> list:
    made = []
    for version in ("1.0", "1.1", "2.0"):
        path = tmp_path / d.wheel_name(NAME, version)
        path.write_bytes(d.wheel(NAME, version, metadata=d.core_metadata(NAME, version, "2.4", METADATA)))
        made.append(path)
    return made


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_project_user_and_home_pages(chromium, site, tmp_path):
    context, page = signed_up(chromium, site, "paula", bypass_csp=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    token = make_token(page, site, "pages")
    for wheel in wheels(tmp_path):
        assert twine(site, token, [wheel]).returncode == 0
    page.goto(site.url + f"/manage/project/{NAME}/releases/")
    page.get_by_label("Reason").first.fill("wrong cheese")
    page.get_by_role("button", name="Yank 2.0").click()
    expect(page.get_by_role("status")).to_contain_text("Release yanked")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.url + f"/project/{NAME}/")
    details = page.get_by_role("complementary")
    expect(details).to_contain_text("MIT OR Apache-2.0")
    expect(details).to_contain_text(">=3.10")
    for label in ("Homepage", "Source Code", "Issue Tracker"):  # PEP 753's titles
        expect(details.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(details).to_contain_text("Topic")
    expect(details.get_by_role("link", name="paula")).to_have_attribute("href", "/user/paula/")
    history = page.locator("#history li")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("2.0")
    expect(history.nth(0)).to_contain_text("yanked: wrong cheese")
    expect(history.nth(2)).to_contain_text("1.0")

    copy = page.get_by_role("button", name="Copy").first
    copy.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#install-copied")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"pip install --index-url {site.url}/simple/ {NAME}"

    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in (f"/project/{NAME}/", "/user/paula/", "/", f"/manage/project/{NAME}/webhooks/"):
            page.goto(site.url + path)
            assert no_sideways_scrolling(page), (width, path)
            page.screenshot(path=str(tmp_path / f"{path.strip('/').replace('/', '-') or 'home'}-{width}.png"),
                            full_page=True)

    page.goto(site.url + "/user/paula/")
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    expect(page.get_by_text("Last release 2.0")).to_be_visible()
    for language in ("en", "es", "fr"):
        context.add_cookies([{"name": "cheeseshop_language", "value": language, "url": site.url}])
        for path in (f"/project/{NAME}/", f"/project/{NAME}/1.0/", "/user/paula/", "/"):
            page.goto(site.url + path)
            assert serious_violations(page) == [], (language, path)
    context.close()


def pip_install(site, target, requirement: str) -> None:
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check",
                          "--no-deps", "--index-url", site.url + "/simple/", "--target", str(target), requirement],
                         capture_output=True, text=True, timeout=180)
    assert pip.returncode == 0, pip.stdout + pip.stderr


def test_downloads_by_pip_are_counted_and_charted(chromium, site, tmp_path):
    """Five installs by pip, each fetching the wheel from the file URL (the CDN's stand-in):
    counted from its access log, shown on the project page and drawn on the statistics page."""
    context, page = signed_up(chromium, site, "dora", bypass_csp=True)
    token = make_token(page, site, "counted")
    name = "cheese-counted"
    wheel = tmp_path / d.wheel_name(name, "1.0")
    wheel.write_bytes(d.wheel(name, "1.0"))
    assert twine(site, token, [wheel]).returncode == 0
    for n in range(5):
        pip_install(site, tmp_path / f"target-{n}", f"{name}==1.0")

    page.set_viewport_size({"width": 1280, "height": 900})
    downloads = page.locator("dl.downloads")
    for _ in range(30):  # the file server delivers its log each second, and it is counted every two
        page.goto(site.url + f"/project/{name}/")
        if downloads.locator("dd").first.inner_text() == "5":
            break
        time.sleep(1)
    expect(downloads).to_contain_text("Last day")
    expect(downloads.locator("dd").first).to_have_text("5")
    page.get_by_role("link", name="Statistics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Statistics for {name}")
    chart = page.get_by_role("img", name="Daily downloads, last 90 days")
    expect(chart.locator("rect.bar")).to_have_count(90)  # one bar per day
    drawn = chart.locator("rect.bar").evaluate_all("bars => bars.map(b => [b.dataset.day, b.dataset.count])")
    rows = page.locator("table.daily tbody tr").evaluate_all(
        "rows => rows.map(r => [r.querySelector('time').getAttribute('datetime'), r.cells[1].innerText])")
    assert sorted(rows) == sorted(drawn) and len(rows) == 90  # the table says what the chart draws
    assert drawn[-1][1] == "5" and sum(int(count) for _, count in drawn) == 5  # today's bar, rightmost
    heights = chart.locator("rect.bar").evaluate_all("bars => bars.map(b => b.getBBox().height)")
    assert heights[-1] > 0 and heights[:-1] == [0] * 89

    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site.url + f"/project/{name}/stats/")
        assert no_sideways_scrolling(page), width
        page.screenshot(path=str(tmp_path / f"stats-{width}.png"), full_page=True)
    for language in ("en", "es", "fr"):
        context.add_cookies([{"name": "cheeseshop_language", "value": language, "url": site.url}])
        for path in (f"/project/{name}/stats/", f"/project/{name}/stats/?version=1.0", f"/project/{name}/"):
            page.goto(site.url + path)
            assert serious_violations(page) == [], (language, path)
    context.close()
