"""The published archive in a real browser: home page, search, an article page, nothing scraped runs."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.publish_fixtures import EVIL_URL, REFORM_BODY, build_archive

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium() -> str:
    """/usr/bin/chromium, installed by scripts/install-browser.sh when missing; skip when impossible."""
    if not os.path.exists(CHROMIUM):
        result = subprocess.run(["sh", str(ROOT / "scripts" / "install-browser.sh")], capture_output=True,
                                text=True, timeout=600)
        if result.returncode != 0 or not os.path.exists(CHROMIUM):
            pytest.skip(f"chromium is not installed and could not be installed: {result.stderr.strip()[-300:]}")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`reformnews serve` on the test archive, on a free localhost port, stopped afterwards."""
    db = build_archive(tmp_path_factory.mktemp("browser") / "archive.db")
    port = _free_port()
    command = [sys.executable, "-m", "archive.cli", "serve", "--db", str(db), "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"reformnews serve exited: {process.stderr.read().decode()[-500:]}")
                time.sleep(0.1)
        else:
            pytest.fail("reformnews serve did not answer within 20 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian chromium driven by Playwright (never Playwright's own browser download)."""
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page that records JavaScript errors and dialogs."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.errors, page.dialogs = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # Console errors (a CSP refusal among them), except images the offline machine cannot fetch.
    page.on("console", lambda message: message.type == "error" and "Failed to load resource" not in message.text
            and page.errors.append(message.text))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def test_home_page_shows_the_archive_at_a_glance(server: str, page: object) -> None:
    page.goto(server + "/")
    assert "reformnews" in page.title()
    assert page.locator(".rn-stats").inner_text().count("tin") >= 2
    assert page.locator("svg.rn-chart rect.bar").count() >= 12
    assert "Nghệ An" in page.locator(".rn-health").inner_text()  # its last run failed
    assert page.locator(".rn-latest li").count() >= 5
    assert page.errors == []


def test_search_without_tone_marks_then_read_the_article(server: str, page: object,
                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    page.goto(server + "/")
    page.fill("input[name=q]", "cai cach hanh chinh")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "/-/search?q=cai+cach+hanh+chinh" in page.url
    results = page.locator("ol.rn-results li")
    assert results.count() >= 5
    assert "Đà Nẵng: sơ kết công tác cải cách hành chính" in page.locator("ol.rn-results").inner_text()
    assert page.locator("ol.rn-results mark").count() >= 4  # the snippet's matched words
    page.click("text=Tìm trong bảng")  # the table search stays available, with the same words
    page.wait_for_load_state()
    assert "_search=cai%20cach%20hanh%20chinh" in page.url
    assert page.locator("table.rows-and-columns tbody tr").count() >= 5

    page.goto(server + "/")
    page.click("text=Đà Nẵng: sơ kết công tác cải cách hành chính 6 tháng đầu năm 2024")
    page.wait_for_load_state()
    article = page.locator("article.rn-article")
    assert article.locator("h1").inner_text().startswith("Đà Nẵng: sơ kết")
    text = article.inner_text()
    for paragraph in REFORM_BODY:
        assert paragraph in text
    assert "14/07/2025 14:39" in text and "Minh Anh" in text and "Đà Nẵng" in text
    assert "Quang cảnh hội nghị sơ kết" in article.locator("figcaption").inner_text()
    assert article.locator("a[href$='kehoach-cchc-2024.pdf']").count() == 1
    assert article.locator("a.rn-original").get_attribute("href").startswith("https://dost.danang.gov.vn/")
    assert not page.locator("details.rn-fields table").is_visible()  # the raw row stays folded away
    shots = Path(os.environ.get("REFORMNEWS_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "article.png"), full_page=True)
    page.goto(server + "/")
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    assert page.errors == []


def test_nothing_from_a_crawled_page_runs(server: str, page: object) -> None:
    page.goto(server + "/archive/articles?_search=ma+doc")
    page.click("table.rows-and-columns tbody tr td.col-id a")
    page.wait_for_load_state()
    article = page.locator("article.rn-article")
    assert "Nội dung có mã độc đã được làm sạch." in article.inner_text()
    assert "<script>window.__pwned=9</script>" in article.locator("h1").inner_text()  # shown as text
    article.locator("p", has_text="Đoạn thứ hai").click()
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() != "pwned" and page.dialogs == []
    assert article.locator("script, iframe, style, [onerror], [onclick], [onmouseover]").count() == 0
    assert article.locator("a[href^='javascript']").count() == 0
    assert EVIL_URL in article.locator("a.rn-original").get_attribute("href")


def test_pages_carry_a_strict_content_security_policy(server: str) -> None:
    with urllib.request.urlopen(server + "/") as response:
        policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
