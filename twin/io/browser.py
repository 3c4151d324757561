"""Headless Chromium for the page tests and the docs screenshots (selenium + chromedriver).

Uses the Debian packages ``chromium`` and ``chromium-driver`` (``/usr/bin/chromium``,
``/usr/bin/chromedriver``) or the binaries named by ``TWIN_CHROMIUM`` / ``TWIN_CHROMEDRIVER``;
never downloads a browser.  :func:`missing` says why a browser cannot be started (None when it
can).  WebGL runs on SwiftShader (software), so the Cesium globe renders without a GPU.
"""
from __future__ import annotations

import os
import shutil
import time

#: Seconds to wait for a page to say it has rendered.
TIMEOUT_S = 120.0


def _binary(env, *names):
    if os.environ.get(env):
        return os.environ[env]
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    return None


def missing() -> str | None:
    """None when headless Chromium can be driven, else the reason (and what to install)."""
    try:
        import selenium  # noqa: F401  (lazy: only to check that it is installed)
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not _binary("TWIN_CHROMIUM", "chromium", "chromium-browser", "google-chrome"):
        return "no Chromium (apt-get install -y chromium chromium-driver)"
    if not _binary("TWIN_CHROMEDRIVER", "chromedriver"):
        return "no chromedriver (apt-get install -y chromium-driver)"
    return None


class Browser:
    """A headless Chromium window; ``errors()`` returns the JavaScript console errors so far."""

    def __init__(self, width=1400, height=1000):
        from selenium import webdriver  # lazy: selenium is a test extra
        from selenium.webdriver.chrome.service import Service

        why = missing()
        if why:
            raise RuntimeError(why)
        opts = webdriver.ChromeOptions()
        opts.binary_location = _binary("TWIN_CHROMIUM", "chromium", "chromium-browser",
                                       "google-chrome")
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                  f"--window-size={width},{height}", "--use-angle=swiftshader",
                  "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist",
                  "--allow-file-access-from-files", "--hide-scrollbars"):
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(executable_path=_binary("TWIN_CHROMEDRIVER", "chromedriver"))
        self.driver = webdriver.Chrome(options=opts, service=service)
        self.driver.set_page_load_timeout(TIMEOUT_S)
        self._log = []

    def open(self, url):
        self.driver.get(url)

    def run(self, script, *args):
        return self.driver.execute_script(script, *args)

    def wait_for(self, script, timeout=TIMEOUT_S, poll=0.25):
        """Poll ``return <script>`` until it is truthy; its value, or TimeoutError."""
        end = time.monotonic() + timeout
        while True:
            v = self.run(f"return ({script});")
            if v:
                return v
            if time.monotonic() > end:
                raise TimeoutError(f"page did not satisfy {script!r} within {timeout:g} s; "
                                   f"console: {self.console()}")
            time.sleep(poll)

    def console(self):
        self._log += self.driver.get_log("browser")
        return list(self._log)

    def errors(self):
        """Console messages at level SEVERE (uncaught exceptions, console.error, failed loads)."""
        return [m for m in self.console() if m.get("level") == "SEVERE"]

    def screenshot(self, path):
        self.driver.save_screenshot(str(path))
        return path

    def close(self):
        self.driver.quit()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
