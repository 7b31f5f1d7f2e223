"""The browser shared by the real-browser tests of a module: one Chromium (Debian's, see browser.py)."""

import pytest
from browser import launch_chromium, sync_playwright


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
