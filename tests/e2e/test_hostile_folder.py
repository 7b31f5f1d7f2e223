"""Issue 12 in a real browser: a checkpoints folder holding a dangling link, a FIFO, a file with a
value of 10^400 and Markdown-image text (in a failed file and in a valid run's name). Every page
renders, the failures are listed as plain text, and no request leaves the page for the image.

The server reads the folder from ICAR_CHECKPOINT_DIR; the shipped checkpoints/ is never touched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser import EXCEPTION, IDLE, ROOT, StreamlitServer, browser_missing, launch_chromium

from tests.hostile_corpus import IMAGE_NAME, build_corpus

pytestmark = [pytest.mark.browser, pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))]

FAILED_NAMES = ("dangling.pt", "fifo.pt", "lr-1e400.pt", "w_dist-markdown-image.pt")


def _hostile_folder(folder: Path, corpus_dir: Path) -> Path:
    corpus = build_corpus(corpus_dir)
    folder.mkdir()
    shutil.copy(ROOT / "checkpoints" / "augmented-commuting.pt", folder)
    shutil.copy(corpus["markdown-name"][0], folder / "markdown-name.pt")
    shutil.copy(corpus["lr-1e400"][0], folder)
    shutil.copy(corpus["w_dist-markdown-image"][0], folder)
    os.symlink(folder / "missing.pt", folder / "dangling.pt")
    os.mkfifo(folder / "fifo.pt")
    return folder


def test_every_page_renders_and_nothing_is_fetched(tmp_path):
    from playwright.sync_api import sync_playwright

    from icar_core.ui import PAGES

    folder = _hostile_folder(tmp_path / "checkpoints", tmp_path / "corpus")
    server = StreamlitServer(log=ROOT / "artifacts" / "test_hostile_folder_streamlit.log",
                             env={"ICAR_CHECKPOINT_DIR": str(folder)})
    outside: list[str] = []
    try:
        server.wait_healthy()
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()

            def only_the_app(route):
                if urlparse(route.request.url).port == server.port:
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", only_the_app)
            # Real tokens reads no run, only data shipped with wordllama (and fits 20,000 windows per server).
            for url_path, *_ in (p for p in PAGES if p[0] != "real-tokens"):
                page.goto(f"{server.url}/{'' if url_path == 'home' else url_path}")
                page.wait_for_selector(IDLE, timeout=120_000)
                page.wait_for_timeout(300)
                errors = page.locator(EXCEPTION)
                assert errors.count() == 0, f"{url_path}: " + "\n".join(errors.all_inner_texts())
                assert page.locator("h1").count() >= 1, f"{url_path}: no title"
                assert page.locator('img[src*="p.png"]').count() == 0
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.locator('[data-testid="stExpander"] summary').first.click()
            page.wait_for_timeout(300)
            text = sidebar.inner_text()
            browser.close()
    finally:
        server.stop()
    for name in FAILED_NAMES:
        assert name in text, text
    assert "![x](http://127.0.0.1:9/p.png)" in text  # shown as typed, not as an image
    # Only requests for the file's image count: Streamlit itself fetches the page icon's Material symbol.
    for_the_image = [url for url in outside if "p.png" in url or urlparse(url).port == 9]
    assert not for_the_image, for_the_image
    assert IMAGE_NAME.startswith("![x]")
