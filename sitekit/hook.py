"""mkdocs hooks: run every page's blocks at build time and put their pictures in place.

- Each Markdown page runs top to bottom (sitekit.blocks, the grammar the tests use).
  A failing block fails the build, naming the page and line; a fence spelt so
  that it renders as Python but would not run fails it too, every one of the
  page named at once. The build goes on to the other pages and fails at the
  end, so one build reports every failing page.
- A block ending in a graph or figure gets its SVG right under it.
- Math becomes MathML (sitekit.mathml), in the notebook pages' Markdown cells too; no script
  renders it in the browser.
- The build checks the census: every Python block it renders was run.
- Every page that must run starts at the beginning of the build, each in a fresh
  worker process (sitekit.pagerun), one per core; the build prints each page it
  ran and the time the run took. Given SITEKIT_RUN_REPORT, it leaves each run's
  outcomes there, block by block, for a test run to report (sitekit.verdicts).
- Runs are cached by what they depend on: the page's blocks (not its prose), the
  package, this machinery and which optional packages are installed
  (sitekit.pagerun.run_key). So `mkdocs serve` re-runs only pages whose code
  changed, and picks up package edits without a restart.
- What a rebuild would compute again from the same input (each code block's highlighting,
  each page's search entries, the theme's compiled templates) is remembered in the process
  across the rebuilds of `mkdocs serve` (sitekit.rebuild).
"""

from __future__ import annotations

import html as htmllib
import json
import logging
import os
import re
import sys
from pathlib import Path

# mkdocs loads this file by path; make its siblings importable as `sitekit`.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402

from mkdocs.structure.files import File, Files  # noqa: E402

from mkdocs.utils import meta  # noqa: E402

from sitekit import census, languages, mathml, notebook, pagerun, rebuild, reference, skips  # noqa: E402
from sitekit.pagerun import READER_RECURSION_LIMIT  # noqa: E402,F401  (the tests read it here)
from sitekit.blocks import Block, Page, line_prefix, parse_text, session_code  # noqa: E402

log = logging.getLogger("mkdocs.hooks.sitekit")
CACHE = ROOT / ".cache" / "sitekit"
_PLACEHOLDER = re.compile(r"<!-- sitekit-display (\d+) -->")
_PYCON = re.compile(r'<div class="language-pycon highlight">(.*?</code>)', re.DOTALL)

_state: dict[str, object] = {"fingerprint": None}
_pages: dict[str, dict] = {}
_runner = pagerun.Runner()
#: What failed in this build, one message per page; the build fails at its end if any.
_failures: list[str] = []


@event_priority(100)  # before mkdocstrings reads its configuration (see sitekit.reference.configure)
def on_config(config):
    try:
        languages.check_highlight_config(config["mdx_configs"])
    except ValueError as error:
        raise PluginError(str(error)) from None
    # Notebook kernels inherit this: their SVG figures then come out the same on every build.
    os.environ["MATPLOTLIBRC"] = str(ROOT / "sitekit" / "matplotlibrc")
    # nbconvert reads its settings from here: each executed cell's printed output in one piece.
    os.environ["JUPYTER_CONFIG_DIR"] = str(ROOT / "sitekit" / "jupyter")
    reference.configure(config)
    rebuild.install()
    return config


def on_env(env, config, files):
    rebuild.remember_templates(env)  # mkdocs makes the theme's environment anew for every build
    return env


def on_pre_build(config) -> None:
    _runner.close()  # runs a failed build of `mkdocs serve` left behind
    fingerprint = pagerun.fingerprint()
    if _state["fingerprint"] not in (None, fingerprint):
        # `mkdocs serve` keeps one interpreter: drop the old package so pages import the edited one.
        for name in [m for m in sys.modules if m == "micrograd" or m.startswith("micrograd.")]:
            del sys.modules[name]
    _state["fingerprint"] = fingerprint
    _pages.clear()
    _failures.clear()
    jupyter = config["plugins"].get("mkdocs-jupyter")
    if jupyter is not None:
        # mkdocs-jupyter caches executed notebooks by their own text only; key them on the package too.
        jupyter.config["cache"] = os.environ.get("SITEKIT_NO_CACHE") is None
        jupyter.config["cache_dir"] = str(ROOT / ".cache" / "mkdocs-jupyter" / fingerprint[:16])


def _has_notebook(src_uri: str) -> bool:
    return src_uri.startswith("chapters/") and src_uri.endswith(".md")


def on_files(files, config):
    """Start every page's run that is not cached; add a downloadable notebook beside every chapter."""
    for file in files.documentation_pages():
        if file.src_uri.endswith(".md"):
            _start(file)
    for file in list(files):
        if _has_notebook(file.src_uri):
            url = config["site_url"] + file.url if config["site_url"] else None
            content = notebook.chapter_file(Path(file.abs_src_path), ROOT, url)
            files.append(File.generated(config, notebook.notebook_name(file.src_uri), content=content))
    for file in reference.pages(config):  # the API reference, a page per module
        files.append(file)
    # Pages are read in this order. Executed notebooks (mkdocs-jupyter runs them in this
    # process as it reads them) go first, so that they run while the workers run the pages.
    return Files(sorted(files, key=lambda file: not (file.is_documentation_page()
                                                      and file.src_uri.endswith(".ipynb"))))


def _source(file) -> tuple[str, str]:
    """The page's Markdown as mkdocs hands it to on_page_markdown (front matter dropped), and
    that Markdown padded back with blank lines so that line numbers are those of the file."""
    source = Path(file.abs_src_path).read_text(encoding="utf-8-sig")
    markdown, _ = meta.get_data(source)
    return markdown, _padded(source, markdown)


def _padded(source: str, markdown: str) -> str:
    skipped_lines = source.count("\n", 0, max(source.find(markdown), 0))
    return "\n" * skipped_lines + markdown


def _cache_file(key: str) -> Path:
    return CACHE / f"{key}.json"


def _cached(key: str) -> dict | None:
    cached = _cache_file(key)
    if os.environ.get("SITEKIT_NO_CACHE") is not None or not cached.exists():
        return None
    return json.loads(cached.read_text(encoding="utf-8"))


def _start(file) -> None:
    """Start the page's run in a worker now, unless a cached run will do."""
    if not file.abs_src_path:  # a generated page (the API reference): run when it is read
        return
    try:
        markdown, padded = _source(file)
        doc = parse_text(padded, file.abs_src_path)
    except Exception:  # the page's own processing reports it, with the page named
        return
    if not doc.rejected and _cached(pagerun.run_key(doc, _state["fingerprint"])) is None:
        _runner.start(file.src_uri, padded)


def _run(markdown: str, page) -> tuple[Page, dict]:
    """The page parsed, and its run (from the cache, the worker it started in, or run now):
    the pictures by block index."""
    path = page.file.abs_src_path  # None for a generated page (the API reference)
    source = Path(path).read_text(encoding="utf-8-sig") if path else page.file.content_string
    padded = _padded(source, markdown)
    doc: Page = parse_text(padded, path or page.file.src_uri)
    if doc.rejected:
        raise PluginError("\n".join(f"{page.file.src_path}, line {line}: {message}" for line, message in doc.rejected))
    key = pagerun.run_key(doc, _state["fingerprint"])
    result = _cached(key)
    if result is not None:
        return doc, result
    # Started in on_files with this text, or (another plugin changed the page) run here.
    result = _runner.result(page.file.src_uri, padded) or pagerun.run(padded, path or page.file.src_uri)
    if path:  # a page of docs/, which the tests collect too
        pagerun.record(path, key, result)
    if "failure" in result:
        raise PluginError(f"{page.file.src_path}, {result['failure']}")
    if result["blocks"]:
        log.info(f"ran {page.file.src_path}: {result['blocks']} blocks in {result['seconds']:.1f} s")
    result = {"displays": result["displays"]}
    CACHE.mkdir(parents=True, exist_ok=True)
    # Written whole, then renamed: a build reading the cache meanwhile never sees half a file.
    partial = _cache_file(key).with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(result), encoding="utf-8")
    os.replace(partial, _cache_file(key))
    return doc, result


def _fail(message: str) -> None:
    """Report a page's failure now and fail the build at its end (see on_post_build)."""
    log.error(message)
    _failures.append(message)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if not page.file.src_uri.endswith(".md"):
        return markdown
    try:
        doc, result = _run(markdown, page)
    except PluginError as error:
        _fail(str(error))
        return markdown
    skipped = len(doc.text) - len(markdown)  # the blank lines _run padded the page with
    _pages[page.file.src_uri] = {"displays": result["displays"], "python_fences": doc.python_fences}
    if _has_notebook(page.file.src_uri):
        page.meta["notebook"] = Path(notebook.notebook_name(page.file.src_uri)).name
    edits: list[tuple[int, int, str]] = []
    ends = [example.region.end - skipped for example in doc]
    for index in result["displays"]:
        end = ends[int(index)]
        edits.append((end, end, f"\n\n{line_prefix(markdown, end)}<!-- sitekit-display {index} -->"))
    for start, end, name, prefix in [(s - skipped, e - skipped, n, p) for s, e, n, p in doc.needs]:
        reason = skips.NEEDS[name]
        edits.append((start, end, f'{prefix}<p class="mg-needs" title="{reason}">Needs <code>{name}</code>: '
                                  f"without it this block does not run.</p>"))
    # Out of the published page too, so that no Markdown extension reads their code as Markdown
    # (autorefs took `h["loss"]` in a comment inside an admonition for a cross-reference).
    edits += [(region.start - skipped, region.end - skipped, "") for _, region in doc.regions
              if isinstance(region.parsed, Block) and not region.parsed.visible]
    for start, end, replacement in sorted(edits, reverse=True):
        markdown = markdown[:start] + replacement + markdown[end:]
    return markdown


def on_page_content(html: str, page, config, files) -> str:
    result = _pages.get(page.file.src_uri)
    if result is None:
        return html
    # On an API reference page, mkdocstrings' source listings and signatures are not examples, and the
    # docstrings' examples are run by the docstring tests (sitekit.reference.docstring_sybil).
    rendered = census.rendered_python_blocks(html) - reference.listings(html)
    examples = reference.examples_documented_on(page.markdown)
    count = census.Count(page.file.src_path, rendered, result["python_fences"] + examples)
    if not count.ok:
        _fail(reference.mismatch_message(count, examples))
    return _PYCON.sub(_copy_without_prompts, html)


def _finish(output: str, page) -> str:
    """Pictures and math go in after the search plugin has indexed the page: it would
    otherwise parse thousands of SVG and MathML tags per page on every rebuild, and index
    graph labels and MathML tokens as if they were prose."""
    displays = _pages[page.file.src_uri]["displays"]

    def figure(match: re.Match) -> str:
        return f'<figure class="mg-display">{displays[match[1]]}</figure>'

    output = re.sub(r"<p>\s*(<!-- sitekit-display \d+ -->)\s*</p>", r"\1", output)
    output = _PLACEHOLDER.sub(figure, output)
    try:
        return mathml.render_math(output)
    except mathml.MathError as error:
        raise PluginError(f"{page.file.src_path}: {error}") from None


def _copy_without_prompts(match: re.Match) -> str:
    """Make the copy button of a `>>>` session give only the code, with no prompts or output.

    mkdocs-material copies the `data-copy` attribute of the closest element that has one.
    """
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", match[1]))
    code = "\n".join(statement for statement, _ in session_code(text))
    return f'<div class="language-pycon highlight" data-copy="{htmllib.escape(code)}">{match[1]}'


# mkdocs-jupyter's template loads MathJax from a URL (empty here) and configures it; our math
# is MathML made at build time, so neither is wanted, and nothing may load from elsewhere.
_NOTEBOOK_MATHJAX = re.compile(
    r'<!-- Load mathjax -->\s*<script src="[^"]*">\s*</script>\s*<!-- MathJax configuration -->\s*'
    r'<script type="text/x-mathjax-config">.*?</script>', re.DOTALL)


def on_build_error(error) -> None:
    _runner.close()


def on_post_build(config) -> None:
    _runner.close()
    if _failures:
        raise PluginError(f"{len(_failures)} page(s) failed; each is reported above.")


def on_post_page(output: str, page, config) -> str:
    if page.file.src_uri in _pages:
        output = _finish(output, page)
    if page.file.src_uri.endswith(".ipynb"):
        output, found = _NOTEBOOK_MATHJAX.subn("", output)
        if not found:
            raise PluginError(f"{page.file.src_path}: the notebook template changed; check sitekit.hook")
        try:
            output = mathml.render_notebook_math(output)
        except mathml.MathError as error:
            raise PluginError(f"{page.file.src_path}: {error}") from None
    return output
