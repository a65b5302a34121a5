"""`make site`: the labs as a website.  The built pages are opened in headless Chromium (Debian's
chromium + chromium-driver, driven over the W3C WebDriver protocol with nothing but the standard
library) and each lab page must show its title, its code, its outputs and its figures.
`make test` installs chromium and chromium-driver with apt-get where they are missing."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

from glasstorch import _cells
from glasstorch._labs import list_labs, split_front_matter

import mkdocs  # noqa: E402,F401  (make test installs the labs extra; a missing one must fail, not skip)
LABS = list_labs()
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
               "--window-size=1280,1600"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    r = subprocess.run([sys.executable, "-m", "glasstorch", "lab", "site", "-o", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


class Browser:
    """Just enough WebDriver: a session, navigate, run a script."""

    def __init__(self):
        driver = shutil.which("chromedriver")
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if not driver or not browser:
            pytest.fail("chromium and chromium-driver are needed: apt-get install chromium chromium-driver "
                        "(make test does this)")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.profile = tempfile.mkdtemp(prefix="glasstorch-chromium-")
        self.proc = subprocess.Popen([driver, f"--port={port}"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                self._call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": browser, "args": CHROME_ARGS + [f"--user-data-dir={self.profile}"]}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())["value"]

    def open(self, url):
        self._call("POST", f"/session/{self.session}/url", {"url": url})

    def js(self, script):
        return self._call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []})

    def close(self):
        try:
            self._call("DELETE", f"/session/{self.session}")
        finally:
            self.proc.terminate()
            self.proc.wait(10)
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


PAGE = """return {
  title: document.title,
  h1: [...document.querySelectorAll('article h1')].map(e => e.textContent.replace('¶', '').trim()),
  text: document.querySelector('article').innerText,
  code: [...document.querySelectorAll('article .highlight code')].map(e => e.textContent),
  outputs: [...document.querySelectorAll('article .lab-output pre')].map(e => e.textContent),
  images: [...document.querySelectorAll('article img')].map(
      e => ({src: e.getAttribute('src'), loaded: e.complete && e.naturalWidth > 0})),
  notebook: [...document.querySelectorAll('a.lab-notebook')].map(e => e.href),
};"""


@pytest.mark.parametrize("lab", LABS, ids=[lab.number for lab in LABS])
def test_lab_page_renders_in_chromium(site, browser, lab):
    page = site / f"{lab.stem}.html"
    assert page.exists()
    browser.open(page.as_uri())
    got = browser.js(PAGE)
    text = open(lab.path, encoding="utf-8").read()
    meta, _ = split_front_matter(text)
    cells = _cells.parse_cells(text)
    assert got["title"].startswith(meta["title"])
    assert got["h1"] == [meta["title"]]                 # the front matter is the title, not page text
    assert "+++" not in got["text"] and "author =" not in got["text"]
    code = [c.rstrip("\n") for c in got["code"]]
    assert [c.code.rstrip("\n") for c in cells] == [c for c in code if c in {x.code.rstrip("\n") for x in cells}]
    expected = [c.expected for c in cells if c.expected is not None]
    assert [o.rstrip("\n") for o in got["outputs"]] == [e.rstrip("\n") for e in expected]
    figures = [f for c in cells for f in c.figures]
    assert [i["src"] for i in got["images"]] == figures
    assert all(i["loaded"] for i in got["images"]), got["images"]
    assert len(got["notebook"]) == 1 and got["notebook"][0].endswith(f"notebooks/{lab.stem}.ipynb")
    assert (site / "notebooks" / f"{lab.stem}.ipynb").exists()


def test_index_lists_every_lab(site, browser):
    browser.open((site / "index.html").as_uri())
    links = browser.js("return [...document.querySelectorAll('article a')].map(e => e.getAttribute('href'))")
    for lab in LABS:
        assert f"{lab.stem}.html" in links
