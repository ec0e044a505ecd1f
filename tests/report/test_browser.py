"""The report as a person sees it: opened from disk in headless Chromium, used, screenshotted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="no chromium binary (install Debian's chromium: apt-get install -y chromium)"
    ),
]


def _rows(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#kwic-body tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))"
    )


def test_report_in_a_browser(built_report, hostile, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    report = (built_report["reports_dir"] / "report.html").resolve()
    url = report.as_uri()
    requests: list[str] = []
    console_errors: list[str] = []
    dialogs: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: console_errors.append(str(error)))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

            def route(request_route) -> None:
                requests.append(request_route.request.url)
                if request_route.request.url == url:
                    request_route.continue_()
                else:
                    request_route.abort()

            page.route("**/*", route)
            page.goto(url, wait_until="load")

            assert page.title() == "Leadership Discourse Pipeline: report"
            assert page.locator("#kwic-status").text_content() == "4 of 4 lines match"
            rows = _rows(page)
            assert rows[0] == [hostile["text"], "leadership", "matters " + hostile["attr"], "blog_post"]
            # the quarantine table shows the hostile detail as text
            assert page.locator("td", has_text=hostile["text"]).count() >= 4  # document title, quarantine, tables
            page.hover("#kwic-body tr:first-child td.right")

            page.fill("#kwic-search", "management")
            assert page.locator("#kwic-status").text_content() == "2 of 4 lines match"
            assert [r[1] for r in _rows(page)] == ["management", "management"]

            page.fill("#kwic-search", "")
            page.click("button[data-sort=right]")
            assert page.get_attribute("button[data-sort=right]", "aria-pressed") == "true"
            assert [r[2] for r in _rows(page)] == ["always helps", "beats all", "matters " + hostile["attr"], "wins"]
            page.click("button[data-sort=left]")
            # by the word nearest the node: "<script>..." < "clinical" < "good" < "project"
            assert [r[0] for r in _rows(page)] == [hostile["text"], "strong clinical", "good", "zebra project"]

            page.select_option("#kwic-query", "leadership")
            assert page.locator("#kwic-status").text_content() == "2 of 4 lines match"

            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert requests == [url]
    assert console_errors == []
    assert dialogs == []
    assert shot.stat().st_size > 10_000
    target = os.environ.get("LDP_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(target) / "report-screenshot.png")
