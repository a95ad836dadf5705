"""Which language a fence renders in, read the way the site's Markdown reads it.

SuperFences takes the language from a fence's info string (```` ```python ````,
```` ``` .python ````, ```` ```{ .python } ````), and pymdownx.highlight hands it
to Pygments' `get_lexer_by_name`, which ignores case and falls back to plain
text for a name it does not know (the site keeps `guess_lang` off). So a
fence renders as Python exactly when Pygments, asked for its language, gives
a lexer that highlights Python as Python. Which lexers do is asked of
Pygments itself, plugins included: each one highlights a few lines of Python
(as a script, as a `>>>` session and as an IPython `In [1]:` session) and
counts if the code comes out token for token as Pygments' `PythonLexer` has
it. That admits `py3`, `sage`, `starlark`, `numpy`, `python2`, `ipython`,
`pycon` and the like, and leaves out Cython, Mojo and dg (other languages,
highlighted differently) and tracebacks (output, not code).

The grammar and the census ask about each language they meet (`spelling_for`), which
takes one lexer. The whole list (`python_spellings`, for the tests that plant a fence in
every spelling) asks every lexer, which takes seconds, so it is kept in `.cache/sitekit/`,
keyed by this file and the installed Pygments and plugins.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "sitekit"

_SCRIPT = "import math\ndef area(r):\n    return math.pi * r ** 2  # circle\nx = area(2.0)\n"
#: The same code as a reader would see it in each kind of block: which kind it renders in.
_PROBES = {
    "python": _SCRIPT,
    "pycon": ">>> import math\n>>> def area(r):\n...     return math.pi * r ** 2  # circle\n...\n"
             ">>> x = area(2.0)\n",
    "ipython": "In [1]: import math\n\nIn [2]: def area(r):\n   ...:     return math.pi * r ** 2  # circle\n"
               "   ...:\n\nIn [3]: x = area(2.0)\n",
}


def language_of(info: str) -> str:
    """The language SuperFences reads from a fence's info string (what follows the backticks)."""
    from markdown.extensions.attr_list import get_attrs
    from pymdownx.superfences import RE_NESTED_FENCE_START

    match = RE_NESTED_FENCE_START.match("```" + info.rstrip("\n"))
    if match is None:
        return ""
    if match["lang"]:
        return match["lang"]
    if match["attrs"]:
        classes = [value for key, value in get_attrs(match["attrs"]) if key == "."]
        return classes[0] if classes else ""
    return ""


def _code_tokens(lexer, text: str) -> list[tuple[object, str]]:
    from pygments.token import Generic

    # Prompts and printed output are not code; whitespace differs between lexers that agree.
    return [(kind, value.strip()) for kind, value in lexer.get_tokens(text)
            if value.strip() and kind not in Generic]


@functools.cache
def spelling_for(language: str) -> str | None:
    """What a fence in `language` renders as: `python` (code), `pycon` (a session), or None when
    it is not highlighted as Python. Asks only the one lexer highlight would pick for the name:
    the grammar and the census need no more, and instantiating all of Pygments' lexers (which
    compiles every one's patterns) is what takes the seconds."""
    from pygments.lexers import get_lexer_by_name

    try:  # the lexer highlight would pick for this name (builtins win over plugins)
        lexer = get_lexer_by_name(language)
    except Exception:  # noqa: BLE001 - no lexer, or a plugin that fails to load: renders nothing
        return None
    return _kind(type(lexer))


@functools.cache
def _python_tokens() -> list:
    from pygments.lexers import PythonLexer

    return _code_tokens(PythonLexer(), _SCRIPT)


@functools.cache
def _kind(lexer_class: type) -> str | None:
    wanted = _python_tokens()
    kind = next((kind for kind, probe in _PROBES.items() if _highlights(lexer_class(), probe, wanted)), None)
    # What to write instead: a session is a doctest, anything else is code.
    return None if kind is None else "python" if kind == "python" else "pycon"


def _ask_pygments() -> dict[str, str]:
    from pygments.lexers import get_all_lexers

    spellings = {alias.lower(): spelling_for(alias)
                 for _, aliases, _, _ in get_all_lexers(plugins=True) for alias in aliases}
    return dict(sorted((alias, spelling) for alias, spelling in spellings.items() if spelling))


def _highlights(lexer, probe: str, wanted: list) -> bool:
    try:
        return _code_tokens(lexer, probe) == wanted
    except Exception:  # noqa: BLE001 - a lexer that cannot read the probe does not render Python
        return False


def _cache_key() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"Pygments=={metadata.version('Pygments')}".encode())
    for entry in sorted(metadata.entry_points(group="pygments.lexers"), key=lambda e: (e.name, e.value)):
        digest.update(f"\0{entry.name}={entry.value} ({entry.dist.name if entry.dist else ''} "
                      f"{entry.dist.version if entry.dist else ''})".encode())
    return digest.hexdigest()[:16]


@functools.cache
def python_spellings() -> dict[str, str]:
    """Every fence language (lower-cased) that renders as Python, mapped to the spelling the
    grammar runs instead: `python` for code, `pycon` for a session."""
    cached = CACHE / f"python-spellings-{_cache_key()}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    spellings = _ask_pygments()
    try:
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(spellings, indent=1), encoding="utf-8")
        partial.replace(cached)  # atomic: parallel runs never read half a file
    except OSError:
        pass  # a read-only checkout just asks again next time
    return spellings


def renders_as_python(language: str) -> bool:
    """True if a fence (or an HTML `language-...` class) in `language` is highlighted as Python."""
    return spelling_for(language.lower()) is not None


def check_highlight_config(mdx_configs: dict) -> None:
    """Fail if pymdownx.highlight is set to pick lexers in a way the reading above does not follow."""
    highlight = mdx_configs.get("pymdownx.highlight", {})
    for option in ("guess_lang", "extend_pygments_lang", "default_lang"):
        if highlight.get(option):
            raise ValueError(
                f"pymdownx.highlight's {option} is set: fences would then render as Python in ways "
                "sitekit.languages does not read, and such blocks could be published unrun. "
                "Teach sitekit.languages that option before setting it.")
