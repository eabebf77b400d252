"""Headless Chromium for screenshots of the page (``scripts/screenshot.py``) and browser tests.

Uses Debian's ``chromium`` and ``chromium-driver`` (``scripts/ensure-chromium.sh`` installs
them) through selenium, with a fresh profile and everything that could reach the network off.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-quic", "--no-first-run",
                  "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars")


class BrowserMissing(RuntimeError):
    """Chromium or chromedriver is not installed; run scripts/ensure-chromium.sh."""


def browser_available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


@contextmanager
def headless_chromium(width: int = 1400, height: int = 900) -> Iterator:
    """A selenium WebDriver on headless Chromium, with browser console logging on."""
    if not browser_available():
        raise BrowserMissing(f"need {CHROMIUM} and {CHROMEDRIVER}: run bash scripts/ensure-chromium.sh")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_until_drawn(driver, timeout: float = 60.0) -> float:
    """Wait for the page's script to finish its first draw; returns the seconds it took."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        state = driver.execute_script(
            "return document.getElementById('empty') ? 'empty'"
            " : (window.kgViz && window.kgViz.ready ? 'ready' : null)")
        if state:
            # Two animation frames: cytoscape draws on the frame after it is ready.
            driver.execute_async_script(
                "var done = arguments[0];"
                "requestAnimationFrame(function () { requestAnimationFrame(function () { done(); }); });")
            return time.perf_counter() - started
        time.sleep(0.05)
    raise TimeoutError(f"the page did not draw within {timeout}s")


def screenshot_page(page: str | Path, png: str | Path, *, width: int = 1400,
                    height: int = 900) -> None:
    """Open ``page`` (an HTML file) in headless Chromium and save a PNG screenshot of it."""
    with headless_chromium(width, height) as driver:
        driver.get(Path(page).resolve().as_uri())
        wait_until_drawn(driver)
        driver.save_screenshot(str(png))
