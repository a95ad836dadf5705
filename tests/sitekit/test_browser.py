"""Every page in a real browser: offline, no console errors, math typeset, pictures drawn.

Serves the strict build on 127.0.0.1 and loads each page in Chromium or Chrome
(whichever runs: see browser.py) through Playwright, in light and dark mode,
saving a screenshot of each to `screenshots/`. Skipped, with the allow-listed
reason, when there is none (and CI allows no skip).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sitekit import skips

from .browser import find_browser
from .conftest import ROOT

CHROMIUM = find_browser()
SCREENSHOTS = ROOT / "screenshots"
LOOPBACK = {"127.0.0.1", "localhost"}
# The flags that keep Chromium from calling home on a closed network.
QUIET_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-quic"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=skips.CHROMIUM)


def pages_of(site: Path) -> list[str]:
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if path.name != "404.html"
    )


@pytest.fixture(scope="module")
def server(built_site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=QUIET_FLAGS)
        yield browser
        browser.close()


# What Material's copy button puts on the clipboard, for every code block on the page
# (except the API reference's signatures, which show how a name is called, not code to run).
COPIED_TEXT = """() => [...document.querySelectorAll('div.highlight:not(.doc-signature) > pre > code')].map(code => {
    code.setAttribute('data-md-copying', '');
    const holder = code.closest('[data-copy]');
    const text = holder ? holder.getAttribute('data-copy') : code.innerText;
    code.removeAttribute('data-md-copying');
    const lang = [...code.closest('div.highlight').classList].find(c => c.startsWith('language-')) || '';
    return [lang.replace('language-', ''), text.trimEnd()];
})"""

PROBLEMS = """() => {
    const problems = [];
    for (const img of document.querySelectorAll('img')) {
        if (!img.complete || img.naturalWidth === 0) problems.push('image did not load: ' + img.src);
    }
    // Open every collapsed block and show every tab in turn, so hidden pictures are checked too.
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    const drawn = new Set();
    const measure = () => document.querySelectorAll('figure.mg-display svg').forEach(svg => {
        const box = svg.getBoundingClientRect();
        if (box.width >= 10 && box.height >= 10) drawn.add(svg);
    });
    measure();
    for (const set of document.querySelectorAll('.tabbed-set')) {
        const tabs = [...set.querySelectorAll(':scope > input')];
        for (const tab of tabs) { tab.checked = true; measure(); }
        if (tabs.length) tabs[0].checked = true;
    }
    document.querySelectorAll('figure.mg-display svg').forEach((svg, i) => {
        if (!drawn.has(svg)) problems.push('picture ' + (i + 1) + ' not drawn');
    });
    for (const el of document.querySelectorAll('.arithmatex')) {
        const math = el.querySelector('math');
        if (!math) problems.push('math left as text: ' + el.textContent.slice(0, 60));
        else if (math.getBoundingClientRect().width < 1) problems.push('math not drawn');
    }
    // Prose only: code may well show LaTeX on purpose.
    const prose = document.querySelector('article').cloneNode(true);
    prose.querySelectorAll('pre, code, math, script, style').forEach(el => el.remove());
    const text = prose.textContent;
    for (const raw of ['\\\\(', '\\\\[', '$$', '\\\\frac']) {
        if (text.includes(raw)) problems.push('raw LaTeX on the page: ' + raw);
    }
    return problems;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_loads_offline_and_renders(browser, server, built_site, scheme):
    SCREENSHOTS.mkdir(exist_ok=True)
    failures: list[str] = []
    pages = pages_of(built_site)
    assert len(pages) >= 2
    for name in pages:
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))

        def check_request(request, errors=errors):
            url = urlsplit(request.url)
            if url.scheme not in ("data", "blob") and url.hostname not in LOOPBACK:
                errors.append(f"request left the machine: {request.url}")

        page.on("request", check_request)
        page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
        page.goto(server + name, wait_until="networkidle")
        errors += page.evaluate(PROBLEMS)
        for language, text in page.evaluate(COPIED_TEXT):
            if language in ("python", "py", "pycon"):
                if ">>>" in text:
                    errors.append(f"copy gives prompts: {text[:60]!r}")
                try:
                    compile(text, name, "exec")
                except SyntaxError as error:
                    errors.append(f"copied {language} block does not compile ({error}): {text[:80]!r}")
        shot = SCREENSHOTS / f"{name.replace('/', '_').removesuffix('.html')}-{scheme}.png"
        page.screenshot(path=str(shot), full_page=True)
        failures += [f"{name}: {error}" for error in errors]
        context.close()
    assert not failures, "\n".join(failures)
