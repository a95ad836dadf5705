"""Every page in a real browser: offline, no console errors, math typeset, pictures drawn.

Serves the strict build on 127.0.0.1 and loads each page in Chromium or Chrome
(whichever runs: see browser.py) through Playwright, in light and dark mode,
each page in a fresh browser context; steps every stepper through, first to
last and back. With MICROGRAD_BOOK_SCREENSHOTS=first it also saves a screenshot
of each page's first screen to `screenshots/`, and of each stepper half-way
(`full`: whole pages, which costs more than the checks). They check nothing, and
cost Chromium about 4 CPU s a scheme even at first-screen size, so a plain run
takes none.
Skipped, with the allow-listed reason, when there is none (and CI allows no skip).

Pages are checked a few at a time (AT_ONCE): most of a page's wall time is
waiting (for the network to stay idle for half a second, for Play's next step),
and the waits of several pages overlap.

Search: Material's search worker builds the whole site's index on every page
load, the same index from the same file for every page. The home page, in each
scheme, gets the real index and is searched (the results must be pages of the
site); every other page gets an index with the real settings and no documents,
so its worker still loads and starts (an error there still fails the page),
without building the same index again (a quarter of the chromium browser's work
to load a page, over a third of the headless shell's: benchmarks/bench_browser.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.server
import json
import os
import re
import threading
import typing
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
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
#: How many pages are open at once (see the module docstring).
AT_ONCE = 4
#: Screenshots to save (see the module docstring): none, each page's first screen, or whole pages
#: (a screenshot of the whole page takes Chromium more CPU than loading and checking it).
SCREENSHOT_KIND = os.environ.get("MICROGRAD_BOOK_SCREENSHOTS", "")
if SCREENSHOT_KIND not in ("", "first", "full"):
    raise ValueError(f"MICROGRAD_BOOK_SCREENSHOTS is {SCREENSHOT_KIND!r}: write first or full, or leave it unset")
VIEWPORT = {"width": 1280, "height": 900}

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=skips.CHROMIUM)


def pages_of(site: Path) -> list[str]:
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if path.name != "404.html"
    )


#: The page searched, with the real index (see the module docstring), and what it searches for.
SEARCHED_PAGE = "index.html"
QUERY = "backward"
INDEX = "search/search_index.json"


@dataclass(frozen=True)
class Servers:
    """The built site on 127.0.0.1, twice: as built, and with an empty search index."""

    site: str
    empty_index: str

    def url(self, name: str) -> str:
        return (self.site if name == SEARCHED_PAGE else self.empty_index) + name


@contextlib.contextmanager
def serving(site: Path, handler: type[http.server.SimpleHTTPRequestHandler]) -> Iterator[str]:
    """`site` served on a free port of 127.0.0.1 by `handler`, in a thread: its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def servers(built_site: Path) -> Iterator[Servers]:
    with serving(built_site, QuietHandler) as site, serving(built_site, EmptyIndexHandler) as empty_index:
        yield Servers(site, empty_index)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@functools.cache
def empty_index(site: str) -> bytes:
    """The site's search index with its own settings and no documents (read once per site)."""
    index = json.loads((Path(site) / INDEX).read_text(encoding="utf-8"))
    return json.dumps({**index, "docs": []}).encode()


class EmptyIndexHandler(QuietHandler):
    """Serves the site, but its search index with no documents (and the site's own settings)."""

    def do_GET(self) -> None:
        if urlsplit(self.path).path != "/" + INDEX:
            return super().do_GET()
        body = empty_index(self.directory)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


Check = Callable[[typing.Any, str], Awaitable[typing.Any]]


def in_chromium(check: Check, names: list[str]) -> list:
    """Run `check(browser, name)` for each page, AT_ONCE at a time, in one Chromium; returns
    what each returned, in the order of `names`."""
    from playwright.async_api import async_playwright

    async def main() -> list:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=QUIET_FLAGS)
            slots = asyncio.Semaphore(AT_ONCE)

            async def one(name: str):
                async with slots:
                    return await check(browser, name)

            try:
                return await asyncio.gather(*(one(name) for name in names))
            finally:
                await browser.close()

    return asyncio.run(main())


async def open_page(browser, scheme: str, errors: list[str]):
    """A page in a fresh context (no cache, no storage from another page) that adds to `errors`
    every console error, page error, request off the machine and failed request."""
    context = await browser.new_context(color_scheme=scheme, viewport=VIEWPORT)
    page = await context.new_page()
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))

    def check_request(request) -> None:
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob") and url.hostname not in LOOPBACK:
            errors.append(f"request left the machine: {request.url}")

    page.on("request", check_request)
    page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
    return context, page


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
        else if (math.getBoundingClientRect().width < 1) problems.push('math not drawn: ' + el.textContent.slice(0, 60));
    }
    // Prose only: code may well show LaTeX on purpose.
    const prose = document.querySelector('article').cloneNode(true);
    prose.querySelectorAll('pre, code, math, script, style').forEach(el => el.remove());
    const text = prose.textContent;
    for (const raw of ['\\\\(', '\\\\[', '$$', '\\\\frac']) {
        if (text.includes(raw)) problems.push('raw LaTeX on the page: ' + raw);
    }
    // A notebook's Markdown cells write math between dollars, which no script typesets here.
    const dollars = text.match(/\\$[^\\s$][^$]*\\$/);
    if (dollars) problems.push('raw TeX between dollars on the page: ' + dollars[0].slice(0, 60));
    return problems;
}"""


# --- the steppers (sitekit.stepper, docs/assets/stepper.js) -------------------

STEPPER_BUTTONS = ["First step", "Previous step", "Next step", "Last step", "Play"]
# What a stepper shows now: its step text and every node's gradient, by draw_dot's node number.
STEPPER_STATE = """root => ({
    now: root.querySelector('.mg-stepper__now').textContent,
    why: root.querySelector('.mg-stepper__why').textContent,
    grads: [...root.querySelectorAll('g.node[data-n]')]
        .sort((a, b) => a.dataset.n - b.dataset.n)
        .map(g => [...g.querySelectorAll('text')].pop().textContent),
})"""
# The same keys pressed in the page's own script, one after the other in one call, and what the
# stepper shows after each: the walk through every frame, without a round trip per key.
WALK = """([root, keys]) => keys.map(key => {
    root.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
    return (""" + STEPPER_STATE + """)(root);
})"""
# Put a stepper's top just under Material's header, scrolling down (scrolling up shows "Back to top").
UNDER_HEADER = """root => {
    const header = document.querySelector('.md-header').offsetHeight;
    window.scrollTo(0, root.getBoundingClientRect().top + window.scrollY - header - 8);
    root.focus({preventScroll: true});
}"""


def stepper_pages(site: Path) -> list[str]:
    return [name for name in pages_of(site) if "data-stepper" in (site / name).read_text(encoding="utf-8")]


async def check_stepper(page, root, shot: Path | None) -> list[str]:
    """Step a stepper from the first frame to the last and back, by keys and by buttons; the last
    frame must show the gradients the page's backward() gives (recorded in it at build time).
    Each key is pressed for real and checked; the walk through every frame, forward and back,
    sends the same keys from the page's script (WALK), a round trip to Chromium per key being
    most of this test's time (105 frames of chapter 11 took 43 s)."""
    problems = []
    data = json.loads(await root.get_attribute("data-steps"))
    total = len(data["steps"])
    start = [f"grad {g}" for g in data["start"]]
    expected = [f"grad {g}" for g in data["expected"]]

    async def state() -> dict:
        return await root.evaluate(STEPPER_STATE)

    for name in STEPPER_BUTTONS:
        if await root.get_by_role("button", name=name, exact=True).count() != 1:
            problems.append(f"no button named {name!r}")
    if await root.locator('.mg-stepper__now[aria-live="polite"]').count() != 1:
        problems.append("the step text is not in a live region")
    await root.evaluate(UNDER_HEADER)
    # Real key presses, each checked: the keys reach the stepper and move it.
    await page.keyboard.press("Home")
    await page.keyboard.press("ArrowRight")
    if not (await state())["now"].startswith(f"Step 1 of {total}: "):
        problems.append("ArrowRight from the first frame does not show step 1")
    await page.keyboard.press("ArrowLeft")
    if not (await state())["now"].startswith(f"Step 0 of {total}: "):
        problems.append("ArrowLeft from step 1 does not show step 0")

    async def walk(keys: list[str]) -> list[dict]:
        """The same keys, sent by the page's script: the stepper's state after each."""
        return await page.evaluate(WALK, [await root.element_handle(), keys])

    await walk(["ArrowRight"] * (total // 2))
    if shot is not None:
        box = await root.bounding_box()
        await page.screenshot(path=str(shot), clip={"x": box["x"] - 4, "y": box["y"] - 4, "width": box["width"] + 8,
                                              "height": min(box["height"], 1400) + 8})
    await page.keyboard.press("End")
    if (await state())["grads"] != expected:
        problems.append(f"End does not show backward()'s gradients: {(await state())['grads']} != {expected}")
    await page.keyboard.press("Home")
    if (await state())["grads"] != start or not (await state())["now"].startswith(f"Step 0 of {total}: "):
        problems.append("Home does not show the gradients before the first step")
    frames = [start]
    for k, now in enumerate(await walk(["ArrowRight"] * total), start=1):
        if not now["now"].startswith(f"Step {k} of {total}: "):
            problems.append(f"ArrowRight shows {now['now'][:40]!r} for step {k}")
        frames.append(now["grads"])
    if frames[-1] != expected:
        problems.append("stepping to the last frame does not end at backward()'s gradients")
    back = await walk(["ArrowRight"] + ["ArrowLeft"] * total)  # past the end it stays; then back
    if back[0]["grads"] != expected:
        problems.append("ArrowRight past the last frame does not stay there")
    for k, now in zip(range(total - 1, -1, -1), back[1:]):
        if now["grads"] != frames[k]:
            problems.append(f"ArrowLeft back to step {k} shows other gradients than going forward")
    for name, k in [("Next step", 1), ("Last step", total), ("Previous step", total - 1), ("First step", 0)]:
        await root.get_by_role("button", name=name, exact=True).click()
        if not (await state())["now"].startswith(f"Step {k} of {total}: "):
            problems.append(f"{name} did not go to step {k}")
    await root.locator('g.node[data-n="0"]').click()
    if (await state())["why"] != data["why"][0]:
        problems.append(f"clicking node 0 shows {(await state())['why'][:60]!r}")
    if len(data["why"]) > 1:
        await page.keyboard.press("ArrowDown")
        if (await state())["why"] != data["why"][1]:
            problems.append("ArrowDown on a node does not move to the next node")
    return problems


#: From now on, the stepper's step text the first time it changes (or null after `ms`), kept on the
#: stepper as a promise: read in the page the moment it changes, so a loaded machine cannot make
#: the test look only after a later step.
WATCH_FIRST_CHANGE = """([root, ms]) => {
    const now = root.querySelector('.mg-stepper__now');
    root.mgFirstChange = new Promise(resolve => {
        const observer = new MutationObserver(() => { observer.disconnect(); resolve(now.textContent); });
        observer.observe(now, {childList: true, characterData: true, subtree: true});
        setTimeout(() => { observer.disconnect(); resolve(null); }, ms);
    });
}"""


async def check_steppers(page, name: str, scheme: str) -> list[str]:
    """Every stepper of the page stepped through (check_stepper), and the first one played."""
    errors: list[str] = []
    roots = await page.locator("[data-stepper]").all()
    for i, root in enumerate(roots):
        shot = SCREENSHOTS / f"stepper-{name.split('/')[1]}-{i + 1}-{scheme}.png" if SCREENSHOT_KIND else None
        errors += [f"stepper {i + 1}: {problem}" for problem in await check_stepper(page, root, shot)]
    play = roots[0].get_by_role("button", name="Play", exact=True)
    # One step every 1.2 s: the first change after Play (a loaded machine may take longer) must be step 1.
    await page.evaluate(WATCH_FIRST_CHANGE, [await roots[0].element_handle(), 10_000])
    await play.click()
    pressed = await play.get_attribute("aria-pressed")
    now = await roots[0].evaluate("root => root.mgFirstChange")
    if pressed != "true" or not (now or "").startswith("Step 1 of"):
        errors.append(f"Play does not step on its own (pressed: {pressed}, first change: {now!r})")
    await play.click()
    return errors


# --- each page loaded once per scheme; each test asserts its part -------------

async def check_search(page, site: Path) -> list[str]:
    """Search the site for QUERY: there must be results, and each must link to a page of the site."""
    from playwright.async_api import TimeoutError as Timeout

    # Material takes no query until its worker has built the index, and then replaces the text
    # the page was built with ("Initializing search") with its invitation to type.
    built = re.search(r'class="md-search-result__meta">\s*(.*?)\s*<', (site / SEARCHED_PAGE).read_text(encoding="utf-8"))
    assert built, "no search result box on the searched page"
    try:
        await page.wait_for_function("text => document.querySelector('.md-search-result__meta').textContent.trim() "
                                     "!== text", arg=built[1], timeout=15_000)
    except Timeout:
        return [f"the search index was not ready after 15 s ({built[1]!r} still shown)"]
    # Typed, as a reader does: Material reads the query on each key's release (keyup), not on `input`.
    await page.locator("input.md-search__input").press_sequentially(QUERY)
    results = page.locator("li.md-search-result__item > a.md-search-result__link")
    try:
        await results.first.wait_for(timeout=15_000)
    except Timeout:
        meta = await page.locator(".md-search-result__meta").text_content()
        return [f"searching for {QUERY!r} shows no result ({meta.strip()!r})"]
    problems = []
    for href in await results.evaluate_all("links => links.map(a => a.href)"):
        path = urlsplit(href).path.lstrip("/")
        if not (site / path).is_file() and not (site / path / "index.html").is_file():
            problems.append(f"a result of searching for {QUERY!r} links to no page: {href}")
    return problems


async def check_page(browser, servers: Servers, site: Path, name: str, scheme: str,
                     steppers: bool) -> dict[str, list[str]]:
    """Load the page in a fresh context and check it; then step its steppers, if it has some."""
    errors: list[str] = []
    context, page = await open_page(browser, scheme, errors)
    await page.goto(servers.url(name), wait_until="networkidle")
    await page.evaluate("() => document.fonts.ready.then(() => true)")  # text measured in its own font
    errors += await page.evaluate(PROBLEMS)
    for language, text in await page.evaluate(COPIED_TEXT):
        if language in ("python", "py", "pycon"):
            if ">>>" in text:
                errors.append(f"copy gives prompts: {text[:60]!r}")
            try:
                compile(text, name, "exec")
            except SyntaxError as error:
                errors.append(f"copied {language} block does not compile ({error}): {text[:80]!r}")
    if SCREENSHOT_KIND:
        shot = SCREENSHOTS / f"{name.replace('/', '_').removesuffix('.html')}-{scheme}.png"
        await page.screenshot(path=str(shot), full_page=SCREENSHOT_KIND == "full")
    page_errors, errors[:] = list(errors), []  # from here on, what goes wrong is the search's
    search_errors = await check_search(page, site) + errors if name == SEARCHED_PAGE else []
    errors[:] = []  # from here on, the steppers'
    stepper_errors = await check_steppers(page, name, scheme) + errors if steppers else []
    await context.close()
    return {"pages": page_errors, "search": search_errors, "steppers": stepper_errors}


_checked: dict[str, dict[str, list[str]]] = {}


def checked(servers: Servers, site: Path, scheme: str) -> dict[str, list[str]]:
    """Every page of `site` loaded once in `scheme`, the stepper pages first (they take longest):
    {"pages": failures, "search": failures, "steppers": failures}. Done once per scheme, for
    the three tests that read it."""
    if scheme not in _checked:
        if SCREENSHOT_KIND:
            SCREENSHOTS.mkdir(exist_ok=True)
        with_steppers = stepper_pages(site)
        names = with_steppers + [name for name in pages_of(site) if name not in with_steppers]

        async def check(browser, name: str) -> dict[str, list[str]]:
            return await check_page(browser, servers, site, name, scheme, name in with_steppers)

        reports = in_chromium(check, names)
        _checked[scheme] = {part: [f"{name}: {error}" for name, report in zip(names, reports) for error in report[part]]
                            for part in ("pages", "search", "steppers")}
    return _checked[scheme]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_loads_offline_and_renders(servers, built_site, scheme):
    assert len(pages_of(built_site)) >= 2
    failures = checked(servers, built_site, scheme)["pages"]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_searching_finds_pages_of_the_site(servers, built_site, scheme):
    assert SEARCHED_PAGE in pages_of(built_site)
    failures = checked(servers, built_site, scheme)["search"]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_stepper_steps_to_backwards_gradients_and_back(servers, built_site, scheme):
    pages = stepper_pages(built_site)
    assert {name.split("/")[1][:2] for name in pages} >= {"04", "05", "06", "07", "11"}
    failures = checked(servers, built_site, scheme)["steppers"]
    assert not failures, "\n".join(failures)
