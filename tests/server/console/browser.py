"""Headless Chromium for the console's browser tests: Debian's chromium and chromium-driver driven by
Selenium, with the driver and browser paths set explicitly (nothing is downloaded at run time)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.live_server import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MISSING = "Chromium is not installed: `apt-get install -y chromium chromium-driver` (which `make deps` does)"
# The bundled Noto CJK fonts, so Chinese text renders in screenshots on a machine without system CJK fonts.
_FONTCONFIG = """<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{fonts}</dir></fontconfig>"""


@contextmanager
def chromium(width: int = 1440, height: int = 1000) -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(MISSING, pytrace=False)
    profile = Path(tempfile.mkdtemp(prefix="console-chromium-"))
    fontconfig = profile / "fonts.conf"
    fontconfig.write_text(_FONTCONFIG.format(fonts=ROOT / "assets" / "fonts"), encoding="utf-8")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     f"--user-data-dir={profile / 'profile'}", f"--window-size={width},{height}"):
        options.add_argument(argument)
    service = Service(executable_path=str(CHROMEDRIVER), env={**os.environ, "FONTCONFIG_FILE": str(fontconfig)})
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def click_centred(browser: webdriver.Chrome, element_id: str) -> None:
    """Click an element after scrolling it to the middle of the window: clear of the configuration page's sticky bar
    (Selenium scrolls an element only just into view, which can leave it under the bar)."""
    element = browser.find_element("id", element_id)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()
